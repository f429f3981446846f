// Morph swaps (htmx with idiomorph, `hx-swap="morph:…"`) must not undo what someone is entering.
//
// A fragment can be swapped in because of what someone else did (the other side of a video call
// changed something), while this page's user is halfway through a form of it. So a form marked
// `data-keep-input` is left exactly as it is by such a swap; only the answer to that form itself
// updates it (the server marks the form it answers `data-answered`), to show the reasons beside its
// fields. Even then, and for every kept form, what was typed, checked or selected stays.
(function () {
  "use strict";

  if (!window.Idiomorph) {
    return;
  }
  var callbacks = Idiomorph.defaults.callbacks;
  var nodeMorphed = callbacks.beforeNodeMorphed;
  var attributeUpdated = callbacks.beforeAttributeUpdated;
  var ENTERED = ["value", "checked", "selected"];

  callbacks.beforeNodeMorphed = function (oldNode, newNode) {
    if (
      oldNode.nodeType === Node.ELEMENT_NODE &&
      oldNode.hasAttribute("data-keep-input") &&
      !(newNode.nodeType === Node.ELEMENT_NODE && newNode.hasAttribute("data-answered"))
    ) {
      return false;
    }
    return nodeMorphed(oldNode, newNode);
  };

  callbacks.beforeAttributeUpdated = function (name, element, mutation) {
    if (ENTERED.indexOf(name) >= 0 && element.closest("[data-keep-input]")) {
      return false;
    }
    return attributeUpdated(name, element, mutation);
  };
})();
