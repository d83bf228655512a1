// sohoa web UI: the little the server cannot do. Drop zones fill their file input,
// uploads show their progress, and htmx swaps error answers (4xx) into the page so
// the person sees why a request was refused.
if (window.htmx) {
  htmx.config.responseHandling = [
    {code: "204", swap: false},
    {code: "[23]..", swap: true},
    {code: "[4]..", swap: true, error: false},
    {code: "...", swap: true, error: true}
  ];
}
// Run for the first page and for every piece htmx brings in (a page after a boosted
// form, a fragment), once per element.
htmx.onLoad(function (root) {
  var zones = root.querySelectorAll ? root.querySelectorAll("[data-dropzone]") : [];
  Array.prototype.forEach.call(zones, function (zone) {
    if (zone.hasAttribute("data-ready")) return;
    zone.setAttribute("data-ready", "");
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
// Forms keep what was typed. Every plain POST form of a page is sent by htmx (boosted):
// on success the next page replaces this one as a normal submit would; on a refusal
// (4xx) only the reason is shown, inside the form, beside the field it names, and
// nothing typed is lost. Forms that open a file in a new tab, or mark themselves
// data-plain, are left to the browser.
htmx.onLoad(function (root) {
  var forms = root.matches && root.matches("form") ? [root] : root.querySelectorAll("main form");
  Array.prototype.forEach.call(forms, function (form) {
    if (!form.closest("main") || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post") || form.hasAttribute("target") || form.hasAttribute("data-plain")) return;
    if (form.hasAttribute("hx-boost")) return;
    form.setAttribute("hx-boost", "true");
    htmx.process(form);
  });
});
function formErrorSlot(form) {
  var slot = form.querySelector(":scope > [data-form-errors]");
  if (!slot) {
    slot = document.createElement("div");
    slot.setAttribute("data-form-errors", "");
    form.insertBefore(slot, form.firstChild);
  }
  return slot;
}
function clearFieldErrors(form) {
  form.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
  form.querySelectorAll("[aria-invalid]").forEach(function (input) {
    input.removeAttribute("aria-invalid");
    var described = (input.getAttribute("aria-describedby") || "").split(" ")
      .filter(function (id) { return id && id.indexOf("error-") !== 0; }).join(" ");
    if (described) input.setAttribute("aria-describedby", described);
    else input.removeAttribute("aria-describedby");
  });
  var slot = form.querySelector(":scope > [data-form-errors]");
  if (slot) slot.textContent = "";
}
document.addEventListener("htmx:beforeRequest", function (event) {
  var form = event.detail.elt;
  if (form && form.tagName === "FORM" && event.detail.boosted) clearFieldErrors(form);
});
document.addEventListener("htmx:beforeSwap", function (event) {
  var form = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!form || form.tagName !== "FORM" || !event.detail.boosted) return;
  if (event.detail.xhr.status < 400) return;
  event.detail.target = formErrorSlot(form);
  event.detail.swapOverride = "innerHTML";
  event.detail.shouldSwap = true;
  event.detail.isError = false;
});
// Each message that names a field (data-field) goes beside that field, which is marked
// invalid and described by it; the first such field gets the focus.
document.addEventListener("htmx:afterSwap", function (event) {
  var slot = event.detail.target;
  if (!slot || !slot.hasAttribute || !slot.hasAttribute("data-form-errors")) return;
  var form = slot.parentElement;
  var first = null;
  slot.querySelectorAll("[data-field]").forEach(function (item, index) {
    var input = form.querySelector("[name='" + item.getAttribute("data-field") + "']");
    if (!input || input.type === "hidden") return;
    var message = document.createElement("p");
    message.className = "field-error";
    message.id = "error-" + input.name + "-" + index;
    message.textContent = item.textContent.trim();
    var holder = input.closest("div") || input.parentElement;
    holder.appendChild(message);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby",
      ((input.getAttribute("aria-describedby") || "") + " " + message.id).trim());
    if (item.hasAttribute("data-only-field")) {
      message.setAttribute("role", "alert");
      item.remove();
    }
    if (!first) first = input;
  });
  if (first) first.focus();
  else slot.scrollIntoView({block: "nearest"});
});
// A hand-held scanner types the căn cước QR into its field and ends with Enter: the
// Enter reads the code (a change) instead of sending the half-filled form.
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key !== "Enter" || !field.matches || !field.matches("[data-scan-input]")) return;
  event.preventDefault();
  field.dispatchEvent(new Event("change", {bubbles: true}));
});
// The intake's owner check: when it finds no vault for the number, the new owner's name
// and the officer's confirmation become required; otherwise they are put away.
document.addEventListener("htmx:afterSettle", function (event) {
  if (!event.detail.target || event.detail.target.id !== "owner-check") return;
  var box = document.getElementById("new-owner");
  if (!box) return;
  var isNew = !!event.detail.target.querySelector("[data-new-owner]");
  box.hidden = !isNew;
  box.querySelectorAll("input").forEach(function (input) {
    input.disabled = !isNew;
    input.required = isNew;
  });
});
// Tabs ([data-tabs]): one panel at a time, the arrow keys move between tabs, the address
// remembers the tab (#panel-…), so a reload or a shared link opens the same one.
htmx.onLoad(function (root) {
  var boxes = root.querySelectorAll ? root.querySelectorAll("[data-tabs]") : [];
  Array.prototype.forEach.call(boxes, function (box) {
    if (box.hasAttribute("data-ready")) return;
    box.setAttribute("data-ready", "");
    box.classList.add("js-tabs");
    var tabs = Array.prototype.slice.call(box.querySelectorAll("[role=tab]"));
    function show(tab, focus) {
      tabs.forEach(function (other) {
        var on = other === tab;
        other.setAttribute("aria-selected", on ? "true" : "false");
        other.tabIndex = on ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
      });
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () {
        show(tab, false);
        history.replaceState(null, "", "#" + tab.getAttribute("aria-controls"));
      });
      tab.addEventListener("keydown", function (event) {
        var step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
        if (!step) return;
        event.preventDefault();
        show(tabs[(index + step + tabs.length) % tabs.length], true);
      });
    });
    var wanted = tabs.filter(function (tab) {
      return "#" + tab.getAttribute("aria-controls") === location.hash;
    })[0];
    show(wanted || tabs[0], false);
  });
});
