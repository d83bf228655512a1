// sohoa web UI: the little the server cannot do. Drop zones fill their file input,
// uploads show their progress, and htmx swaps error answers (4xx) into the page so
// the person sees why a request was refused.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    htmx.config.responseHandling = [
      {code: "204", swap: false},
      {code: "[23]..", swap: true},
      {code: "[4]..", swap: true, error: false},
      {code: "...", swap: true, error: true}
    ];
  }
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-file-list]");
    function show() {
      if (!list) return;
      list.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
    }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { files.items.add(f); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (f) { files.items.add(f); });
      input.files = files.files;
      show();
    });
    input.addEventListener("change", show);
  });
});
// A form that filed something starts empty again, so a second click cannot file the same
// scan twice; the server has already sent the form's next idempotency key.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (!form || !form.matches || !form.matches("form[data-reset-on-success]")) return;
  if (!event.detail.successful) return;
  form.reset();
  form.querySelectorAll("[data-file-list]").forEach(function (list) { list.textContent = ""; });
  form.querySelectorAll("progress[data-upload]").forEach(function (bar) { bar.hidden = true; });
});
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest("form");
  var bar = form && form.querySelector("progress[data-upload]");
  if (bar && event.detail.lengthComputable) {
    bar.hidden = false;
    bar.value = Math.round(event.detail.loaded * 100 / event.detail.total);
  }
});
