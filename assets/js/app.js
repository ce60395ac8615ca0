// jinguo page behaviour. No inline scripts (CSP): everything lives here.
(function () {
  "use strict";
  var KEY = "jinguo-large-text";
  function applyLargeText() {
    if (localStorage.getItem(KEY) === "1") document.body.classList.add("large-text");
    else document.body.classList.remove("large-text");
  }
  document.addEventListener("DOMContentLoaded", function () {
    applyLargeText();
    document.querySelectorAll("[data-toggle-large-text]").forEach(function (b) {
      b.addEventListener("click", function () {
        localStorage.setItem(KEY, localStorage.getItem(KEY) === "1" ? "0" : "1");
        applyLargeText();
      });
    });
    // A plain (non-htmx) form is sent once: a second tap while a slow upload
    // is on its way would record the activity twice. The pressed button shows
    // it is busy. Runs after the data-confirm handlers below (they are on the
    // form, this is on the document), so a cancelled confirm is not "sent".
    document.addEventListener("submit", function (e) {
      var f = e.target;
      if (e.defaultPrevented || f.hasAttribute("hx-post") || f.hasAttribute("hx-get")) return;
      if ((f.getAttribute("method") || "").toLowerCase() !== "post") return;
      if (f.dataset.sending === "1") { e.preventDefault(); return; }
      f.dataset.sending = "1";
      var b = e.submitter || f.querySelector("button[type=submit]");
      if (b) { b.classList.add("is-busy"); b.setAttribute("aria-busy", "true"); }
      // A response that is a download leaves this page in place: let the
      // form be used again after a while.
      setTimeout(function () { release(f); }, 20000);
    });
    function release(f) {
      delete f.dataset.sending;
      f.querySelectorAll(".is-busy").forEach(function (b) { b.classList.remove("is-busy"); b.removeAttribute("aria-busy"); });
    }
    // Back to a page from the browser's cache: the form may be sent again.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[data-sending]").forEach(release);
    });
    // "Back" on error pages: shown only when there is a page to go back to.
    document.querySelectorAll("[data-history-back]").forEach(function (b) {
      if (window.history.length < 2) return;
      b.hidden = false;
      b.addEventListener("click", function () { window.history.back(); });
    });
    // Confirm dangerous actions (data-confirm="…") before submitting.
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
  });
})();
