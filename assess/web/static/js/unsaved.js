// Unsaved changes (issue 20): leaving a page whose form was changed and not sent asks the
// browser's own "Leave the page?" question. Progressive enhancement only: every page works
// without it. A form marked data-unsaved="ignore" (filters, the language switch) is not
// watched; a form sent clears the warning, so saving never asks.
(function () {
  "use strict";

  // The form being sent: what it holds is saved, the other forms' changes are not.
  var sent = null;

  function watched(form) {
    return (
      form &&
      (form.getAttribute("method") || "get").toLowerCase() === "post" &&
      form.getAttribute("data-unsaved") !== "ignore"
    );
  }

  function changed(element) {
    var type = (element.type || "").toLowerCase();
    if (type === "hidden" || type === "submit" || type === "button" || type === "file") {
      return type === "file" && element.files && element.files.length > 0;
    }
    if (type === "checkbox" || type === "radio") {
      return element.checked !== element.defaultChecked;
    }
    if (element.tagName === "SELECT") {
      for (var i = 0; i < element.options.length; i++) {
        var option = element.options[i];
        // A select with no option marked selected starts on its first one.
        var initially = option.defaultSelected;
        if (!initially && i === 0) {
          initially = !Array.prototype.some.call(element.options, function (o) {
            return o.defaultSelected;
          });
        }
        if (option.selected !== initially) {
          return true;
        }
      }
      return false;
    }
    return "defaultValue" in element && element.value !== element.defaultValue;
  }

  function unsaved() {
    var forms = document.forms;
    for (var f = 0; f < forms.length; f++) {
      if (forms[f] === sent || !watched(forms[f])) {
        continue;
      }
      var elements = forms[f].elements;
      for (var e = 0; e < elements.length; e++) {
        if (changed(elements[e])) {
          return true;
        }
      }
    }
    return false;
  }

  document.addEventListener("submit", function (event) {
    sent = event.target;
  });

  // Back from the browser's cache (the back button): the page is live again.
  window.addEventListener("pageshow", function () {
    sent = null;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!unsaved()) {
      return undefined;
    }
    event.preventDefault();
    // Older browsers show the question only when a value is returned.
    event.returnValue = "";
    return "";
  });
})();
