// Batch progress: polls the batch's progress.json and updates the bar, the
// counts and the failures table until every document has been processed.
(function () {
  "use strict";
  var section = document.getElementById("progress");
  if (!section) { return; }
  var url = section.dataset.url;
  var startedFinished = section.dataset.finished === "1";
  var delay = 2000;

  function render(data) {
    var bar = document.getElementById("bar");
    bar.style.width = data.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", data.percent);
    bar.parentNode.classList.toggle("finished", data.finished);
    document.getElementById("summary").textContent = data.done + " of " + data.total +
      " documents processed (" + data.percent + "%)" + (data.finished ? ". Done." : "");
    section.querySelectorAll("[data-count]").forEach(function (node) {
      node.textContent = data[node.dataset.count];
    });
    var table = document.getElementById("failures");
    var body = table.querySelector("tbody");
    body.textContent = "";
    data.failures.forEach(function (failure) {
      var row = body.insertRow();
      row.insertCell().textContent = failure.id;
      var link = document.createElement("a");
      link.href = failure.original_url;
      link.textContent = failure.name;
      row.insertCell().appendChild(link);
      var reason = row.insertCell();
      reason.className = "reason";
      reason.textContent = failure.error;
    });
    table.hidden = data.failures.length === 0;
    document.getElementById("no-failures").hidden = data.failures.length > 0;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        render(data);
        if (data.finished) {
          // The document list below is rendered by the server: show its final state once.
          if (!startedFinished) { window.location.reload(); }
          return;
        }
        delay = 2000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  if (!startedFinished) { window.setTimeout(poll, delay); }
})();
