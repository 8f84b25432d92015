/* Review page: page viewer (zoom, pan, page switch, rotate), field boxes, keyboard shortcuts.
   Shortcuts use Alt so that typing in a field is never taken over. */
(function () {
  "use strict";

  var pagesData = document.getElementById("pages-data");
  var pages = pagesData ? JSON.parse(pagesData.textContent) : [];
  var viewport = document.getElementById("viewport");
  var canvas = document.getElementById("canvas");
  var stage = document.getElementById("stage");
  var image = document.getElementById("page-image");
  var box = document.getElementById("bbox");
  var form = document.getElementById("review-form");
  var state = { index: 0, zoom: 1, rotation: 0 };
  var dirty = false;

  function page() { return pages[state.index]; }

  function layout() {
    if (!stage || !page()) { return; }
    var p = page();
    var turned = state.rotation % 180 !== 0;
    var available = Math.max(viewport.clientWidth - 24, 100);
    var scale = (available / (turned ? p.height : p.width)) * state.zoom;
    var w = p.width * scale, h = p.height * scale;
    image.style.width = w + "px";
    image.style.height = h + "px";
    stage.style.width = w + "px";
    stage.style.height = h + "px";
    canvas.style.width = (turned ? h : w) + "px";
    canvas.style.height = (turned ? w : h) + "px";
    var shift = { 0: "", 90: "translate(" + h + "px,0) ", 180: "translate(" + w + "px," + h + "px) ", 270: "translate(0," + w + "px) " };
    stage.style.transform = shift[state.rotation] + "rotate(" + state.rotation + "deg)";
    document.getElementById("zoom-level").textContent = Math.round(state.zoom * 100) + "%";
  }

  function showPage(index) {
    if (index < 0 || index >= pages.length) { return; }
    if (index !== state.index || !image.getAttribute("src")) {
      state.index = index;
      image.src = page().url;
      box.hidden = true;
    }
    document.getElementById("page-number").textContent = page().number;
    layout();
  }

  function centreOn(element) {
    var target = element.getBoundingClientRect();
    var view = viewport.getBoundingClientRect();
    viewport.scrollLeft += target.left + target.width / 2 - (view.left + view.width / 2);
    viewport.scrollTop += target.top + target.height / 2 - (view.top + view.height / 2);
  }

  function zoomBy(factor) {
    var fx = (viewport.scrollLeft + viewport.clientWidth / 2) / Math.max(canvas.offsetWidth, 1);
    var fy = (viewport.scrollTop + viewport.clientHeight / 2) / Math.max(canvas.offsetHeight, 1);
    state.zoom = Math.min(6, Math.max(0.25, state.zoom * factor));
    layout();
    viewport.scrollLeft = fx * canvas.offsetWidth - viewport.clientWidth / 2;
    viewport.scrollTop = fy * canvas.offsetHeight - viewport.clientHeight / 2;
  }

  function rotate() {
    state.rotation = (state.rotation + 90) % 360;
    layout();
    if (!box.hidden) { centreOn(box); }
  }

  /* Draw the focused field's box (fractions of the page: left, top, right, bottom) and bring it into view. */
  function showField(row) {
    document.querySelectorAll(".field-row.active").forEach(function (r) { r.classList.remove("active"); });
    row.classList.add("active");
    if (!stage || !row.dataset.bbox) { if (box) { box.hidden = true; } return; }
    var b = row.dataset.bbox.split(",").map(Number);
    var number = Number(row.dataset.page);
    var index = pages.findIndex(function (p) { return p.number === number; });
    if (index < 0) { box.hidden = true; return; }
    showPage(index);
    box.style.left = b[0] * 100 + "%";
    box.style.top = b[1] * 100 + "%";
    box.style.width = (b[2] - b[0]) * 100 + "%";
    box.style.height = (b[3] - b[1]) * 100 + "%";
    box.hidden = false;
    box.dataset.field = row.dataset.field;
    centreOn(box);
  }

  function panWithMouse() {
    var start = null;
    viewport.addEventListener("mousedown", function (e) {
      if (e.button !== 0) { return; }
      start = { x: e.clientX, y: e.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
      viewport.classList.add("panning");
      e.preventDefault();
    });
    window.addEventListener("mousemove", function (e) {
      if (!start) { return; }
      viewport.scrollLeft = start.left - (e.clientX - start.x);
      viewport.scrollTop = start.top - (e.clientY - start.y);
    });
    window.addEventListener("mouseup", function () { start = null; viewport.classList.remove("panning"); });
  }

  function openReject() {
    var dialog = document.getElementById("reject-dialog");
    if (!dialog) { return; }
    dialog.showModal();
    document.getElementById("reject-reason").focus();
  }

  function goNext() {
    if (dirty && !window.confirm("Leave this document without saving your changes?")) { return; }
    document.getElementById("next-form").submit();
  }

  function click(id) {
    var button = document.getElementById(id);
    if (button) { button.click(); }
  }

  var altKeys = {
    KeyS: function () { click("save-button"); },
    KeyA: function () { click("approve-button"); },
    KeyR: openReject,
    KeyN: goNext,
    PageDown: function () { showPage(state.index + 1); },
    PageUp: function () { showPage(state.index - 1); },
    Equal: function () { zoomBy(1.25); },
    NumpadAdd: function () { zoomBy(1.25); },
    Minus: function () { zoomBy(0.8); },
    NumpadSubtract: function () { zoomBy(0.8); },
    Digit0: function () { state.zoom = 1; layout(); },
    KeyO: rotate
  };

  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey || !altKeys[e.code]) { return; }
    e.preventDefault();
    altKeys[e.code]();
  });

  var viewerButtons = {
    prev: function () { showPage(state.index - 1); },
    next: function () { showPage(state.index + 1); },
    "zoom-in": function () { zoomBy(1.25); },
    "zoom-out": function () { zoomBy(0.8); },
    fit: function () { state.zoom = 1; layout(); },
    rotate: rotate
  };
  document.querySelectorAll("[data-viewer]").forEach(function (button) {
    button.addEventListener("click", function () { viewerButtons[button.dataset.viewer](); });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) { e.preventDefault(); }
    });
  });

  var rejectButton = document.getElementById("reject-button");
  if (rejectButton) { rejectButton.addEventListener("click", openReject); }
  var rejectCancel = document.getElementById("reject-cancel");
  if (rejectCancel) {
    rejectCancel.addEventListener("click", function () { document.getElementById("reject-dialog").close(); });
  }

  if (form) {
    form.addEventListener("focusin", function (e) {
      var row = e.target.closest(".field-row");
      if (row) { showField(row); }
    });
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  }

  if (viewport && stage) {
    panWithMouse();
    window.addEventListener("resize", layout);
    showPage(0);
  }

  /* Start where attention is needed: the first field with an error, else the first low-confidence one. */
  var first = document.querySelector(".field-row.invalid :is(input, textarea):not([disabled])") ||
    document.querySelector(".field-row.low :is(input, textarea):not([disabled])");
  if (first) { first.focus(); }
})();
