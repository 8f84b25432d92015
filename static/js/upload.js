// Upload page: drop files onto the drop zone (they join the chosen files),
// list them, and send the form with a progress bar. Without JavaScript the
// form still works as a plain multipart upload.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var zone = document.getElementById("dropzone");
  var input = zone.querySelector("input[type=file]");
  var list = document.getElementById("chosen");

  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function showChosen() {
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = file.name;
      var bytes = document.createElement("span");
      bytes.className = "muted";
      bytes.textContent = size(file.size);
      item.appendChild(name);
      item.appendChild(bytes);
      list.appendChild(item);
    });
  }

  function addFiles(files) {
    var all = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file) { all.items.add(file); });
    Array.prototype.forEach.call(files, function (file) { all.items.add(file); });
    input.files = all.files;
    showChosen();
  }

  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) { addFiles(event.dataTransfer.files); });
  input.addEventListener("change", showChosen);

  form.addEventListener("submit", function (event) {
    if (!window.XMLHttpRequest || !window.FormData) { return; }
    event.preventDefault();
    var button = document.getElementById("upload-button");
    var sending = document.getElementById("sending");
    var bar = document.getElementById("sending-bar");
    var text = document.getElementById("sending-text");
    button.disabled = true;
    sending.hidden = false;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) { return; }
      var percent = Math.round(100 * progress.loaded / progress.total);
      bar.style.width = percent + "%";
      text.textContent = percent < 100 ? "Uploading… " + percent + "%" : "Checking and storing the files…";
    });
    request.addEventListener("load", function () {
      // Show the page the upload answered with: the batch's progress page after
      // the redirect (it carries the upload summary, shown once), or the form
      // again with its errors. Loading the progress page anew would lose the summary.
      if (request.responseURL) { window.history.replaceState(null, "", request.responseURL); }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      text.textContent = "The upload did not reach the server. Check the connection and try again.";
    });
    request.send(new FormData(form));
  });
})();
