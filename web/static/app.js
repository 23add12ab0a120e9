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
