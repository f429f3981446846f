// A window's live queue (取号), on the resident's queue page and the clerk's console: the numbers
// waiting, the resident's place and wait, and the link into the call once they are called.
//
// The live part (#queue-live) is a fragment the server renders for this viewer; htmx fetches and morphs
// it in again when the window's socket (its path in #queue-config) says the queue changed. The socket
// names nobody, so only the fragment can say which call is this resident's. While there is no socket,
// #queue-poll asks every 5 s instead. Without JavaScript the page still works: a reload shows the same.
(function () {
  "use strict";

  // A form that cannot be undone (ending a call from the console) asks first: its data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  var live = document.getElementById("queue-live");
  var configElement = document.getElementById("queue-config");
  if (!live || !configElement || !window.htmx) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var poller = document.getElementById("queue-poll");
  // htmx stops polling an element taken out of the page; a fresh copy starts again.
  var pollerCopy = poller ? poller.cloneNode(true) : null;

  function polling(on) {
    if (on && !poller && pollerCopy) {
      poller = pollerCopy.cloneNode(true);
      live.insertAdjacentElement("afterend", poller);
      htmx.process(poller);
    } else if (!on && poller) {
      poller.remove();
      poller = null;
    }
  }

  function joinLink() {
    var link = document.getElementById("join-call");
    return link && !link.hidden ? link : null;
  }

  // The resident is called: the link into the call takes the focus, once.
  var called = joinLink() !== null;
  live.addEventListener("htmx:afterSwap", function () {
    var link = joinLink();
    if (link && !called) {
      link.focus();
    }
    called = link !== null;
  });

  function connect() {
    if (!window.WebSocket) {
      return;
    }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + location.host + config.wsPath);
    } catch (error) {
      return;
    }
    socket.onopen = function () {
      polling(false);
    };
    socket.onmessage = function () {
      htmx.trigger(live, "queue-changed");
    };
    socket.onclose = function () {
      polling(true);
    };
  }

  connect();
})();
