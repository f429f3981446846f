// A window's live queue (取号), on the resident's queue page and the clerk's console: the numbers
// waiting, the resident's place and wait, and the link into the call once they are called.
//
// The state arrives over /ws/queue/<window>/ whenever the queue changes. It names nobody, so it cannot
// say which call is the resident's: when their ticket leaves the waiting list, the page asks
// queue.json (answered for this user, with `call_url` once they are called). When the socket fails or
// closes, the page polls queue.json every 5 s instead.
(function () {
  "use strict";

  var root = document.getElementById("queue-live");
  if (!root) {
    return;
  }
  var windowId = root.getAttribute("data-window");
  var ticketId = root.getAttribute("data-ticket") || "";
  var pollUrl = root.getAttribute("data-poll-url") || "/video/windows/" + windowId + "/queue.json";
  var POLL_MS = 5000;
  var pollTimer = null;
  var asked = false;

  function show(id, value) {
    var element = document.getElementById(id);
    if (!element || value === undefined || value === null) {
      return;
    }
    // A template may give the sentence around the number: data-format="about %s minutes".
    var format = element.getAttribute("data-format");
    element.textContent = format ? format.replace("%s", value) : String(value);
  }

  function ticketOf(state) {
    var tickets = state.tickets || [];
    for (var i = 0; i < tickets.length; i++) {
      if (String(tickets[i].id) === ticketId) {
        return tickets[i];
      }
    }
    return null;
  }

  function showCall(url) {
    var link = document.getElementById("join-call");
    if (!link || !url) {
      return;
    }
    link.setAttribute("href", url);
    if (link.hidden) {
      link.hidden = false;
      var waiting = document.getElementById("ticket-waiting");
      if (waiting) {
        waiting.hidden = true;
      }
      var called = document.getElementById("ticket-called");
      if (called) {
        called.hidden = false;
      }
      link.focus();
    }
  }

  function apply(state, fromServerForMe) {
    show("queue-waiting", state.waiting);
    var empty = document.getElementById("queue-empty");
    if (empty) {
      empty.hidden = state.waiting > 0;
    }
    show("now-serving", state.now_serving || "–");
    if (!ticketId) {
      return;
    }
    var mine = ticketOf(state);
    if (mine) {
      asked = false;
      show("ticket-position", mine.position);
      show("ticket-wait", Math.round(mine.estimated_wait_minutes));
    }
    var callUrl = state.call_url || (mine && mine.call_url);
    if (callUrl) {
      showCall(callUrl);
    } else if (!mine && !fromServerForMe && !asked) {
      // Our number left the waiting list: called (or gone). Only queue.json knows which call is ours.
      asked = true;
      poll();
    }
  }

  async function poll() {
    try {
      var response = await fetch(pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        apply(await response.json(), true);
      }
    } catch (error) {
      // Try again at the next tick.
    }
  }

  function startPolling() {
    if (pollTimer === null) {
      pollTimer = setInterval(poll, POLL_MS);
      poll();
    }
  }

  function connect() {
    if (!window.WebSocket) {
      startPolling();
      return;
    }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + location.host + "/ws/queue/" + windowId + "/");
    } catch (error) {
      startPolling();
      return;
    }
    socket.onmessage = function (event) {
      try {
        apply(JSON.parse(event.data), false);
      } catch (error) {
        // Not a state: ignore it.
      }
    };
    socket.onclose = startPolling;
    socket.onerror = startPolling;
  }

  connect();
})();
