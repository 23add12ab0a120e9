// tintot's only script. The pages work without it; it adds the print button and the
// confirmation before a destructive form is sent. It is a file of its own because the
// Content-Security-Policy allows no inline script or event-handler attribute.
"use strict";
document.addEventListener("click", function (ev) {
  var b = ev.target.closest("[data-print]");
  if (b) {
    ev.preventDefault();
    window.print();
  }
});
document.addEventListener("submit", function (ev) {
  var f = ev.target.closest("form[data-confirm]");
  if (f && !window.confirm(f.getAttribute("data-confirm"))) {
    ev.preventDefault();
  }
});
document.documentElement.setAttribute("data-js", "ready");
// ===== unit dashboard, alerts and error pages (appended section) =====
// A form that came back with an error names its field (aria-invalid): bring it into view
// and put the cursor there. Without the script the message is still beside the field.
(function () {
  var bad = document.querySelector("main [aria-invalid=true]");
  if (bad) {
    bad.scrollIntoView({ block: "center" });
    bad.focus({ preventScroll: true });
  }
})();
