// The statement's "Print or save as PDF" button: shown only where this script runs, it
// opens the browser's print dialog (print.css lays the page out for paper).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
