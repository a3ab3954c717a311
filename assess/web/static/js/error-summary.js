// The error summary (templates/_forms.html summary_box): when a page shows one, the focus moves
// to it, so that a screen reader reads the problems first and a keyboard user starts there
// (GOV.UK's and HDS's pattern). Its links move the focus to the field and scroll the field's
// label or legend into view with it. Without this script the summary is still the first
// thing in the page's content and its links still jump to the fields.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    var legend = target.closest("fieldset") && target.closest("fieldset").querySelector("legend");
    var label = document.querySelector("label[for='" + target.id + "']") || legend || target;
    label.scrollIntoView();
    target.focus({ preventScroll: true });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + target.id);
    }
  });
})();
