// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";

  // What was typed into the page's forms and not yet sent, kept across the header's language and
  // large-text switches (which reload the page): only this tab, only until the page is back, and never a
  // password or a file (a file chosen cannot be chosen again by a script; a password is typed again).
  var KEPT = "banshi.typed";
  var SKIPPED = { password: true, file: true, hidden: true, submit: true, button: true, reset: true, image: true };

  function pageForms() {
    return Array.prototype.slice.call(document.querySelectorAll("main form"));
  }

  function changedFields(form) {
    var changed = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      var type = (field.type || "").toLowerCase();
      if (!field.name || SKIPPED[type] || field.disabled) {
        return;
      }
      if (type === "radio" || type === "checkbox") {
        if (field.checked !== field.defaultChecked) {
          changed.push({ name: field.name, value: field.value, checked: field.checked });
        }
      } else if (field.tagName === "SELECT") {
        var differs = Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
        if (differs) {
          changed.push({ name: field.name, value: field.value });
        }
      } else if (field.value !== field.defaultValue) {
        changed.push({ name: field.name, value: field.value });
      }
    });
    return changed;
  }

  function keepTyped() {
    var forms = pageForms().map(changedFields);
    var anything = forms.some(function (fields) { return fields.length > 0; });
    try {
      if (anything) {
        sessionStorage.setItem(KEPT, JSON.stringify({ page: location.pathname + location.search, forms: forms }));
      } else {
        sessionStorage.removeItem(KEPT);
      }
    } catch (e) {
      // Storage refused (private mode, quota): the switch still works, as it does without the script.
    }
  }

  function restoreTyped() {
    var kept;
    try {
      kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
      sessionStorage.removeItem(KEPT);
    } catch (e) {
      return;
    }
    if (!kept || kept.page !== location.pathname + location.search) {
      return;
    }
    var forms = pageForms();
    kept.forms.forEach(function (fields, index) {
      var form = forms[index];
      if (!form) {
        return;
      }
      fields.forEach(function (saved) {
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name !== saved.name) {
            return;
          }
          var type = (field.type || "").toLowerCase();
          if (SKIPPED[type]) {
            return;
          }
          if (type === "radio" || type === "checkbox") {
            if (field.value === saved.value) {
              field.checked = saved.checked;
              field.dispatchEvent(new Event("change", { bubbles: true }));
            }
          } else {
            field.value = saved.value;
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restoreTyped();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-keeps-typed]"), function (form) {
      form.addEventListener("submit", keepTyped);
    });
    // Move the focus to the error summary so that screen-reader and keyboard users hear the problems first.
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();
