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
    // Confirm dangerous actions (data-confirm="…") before submitting.
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
  });
})();
