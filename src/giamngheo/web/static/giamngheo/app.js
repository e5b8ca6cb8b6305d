// giamngheo: the app's only script besides htmx. The Content-Security-Policy forbids inline
// scripts and event handlers (onchange=…), so behaviour is declared with data attributes.
"use strict";
// <select data-autosubmit>: submit the filter form as soon as the choice changes.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof Element && target.matches("[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
