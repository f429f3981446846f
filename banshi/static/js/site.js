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

  // A file larger than the server takes is refused here, before it is sent: on a slow line the upload
  // of a photo too large would take minutes only to be refused. The message is the server's own.
  function sizeError(input) {
    return document.getElementById(input.id + "-size-error");
  }

  function describedBy(input, id, present) {
    var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (part) {
      return part && part !== id;
    });
    if (present) {
      ids.push(id);
    }
    if (ids.length) {
      input.setAttribute("aria-describedby", ids.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  }

  function checkSize(input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var file = input.files && input.files[0];
    var tooLarge = Boolean(file && limit && file.size > limit);
    var shown = sizeError(input);
    var serverError = document.getElementById(input.id + "-error");
    if (tooLarge && !shown) {
      shown = document.createElement("p");
      shown.className = "error-message";
      shown.id = input.id + "-size-error";
      shown.setAttribute("role", "alert");
      shown.textContent = input.getAttribute("data-too-large");
      input.parentNode.insertBefore(shown, input);
    } else if (!tooLarge && shown) {
      shown.parentNode.removeChild(shown);
    }
    describedBy(input, input.id + "-size-error", tooLarge);
    if (tooLarge) {
      input.value = ""; // never sent, whatever is pressed next
      input.setAttribute("aria-invalid", "true");
    } else if (!serverError) {
      input.removeAttribute("aria-invalid");
    }
    var group = input.closest(".form-group");
    if (group) {
      group.classList.toggle("form-group-error", tooLarge || Boolean(serverError));
    }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) {
      checkSize(input);
    }
  });

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
