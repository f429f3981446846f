// The video call page (clerk and resident): camera and microphone, the WebRTC connection, signaling
// over the call's socket, chat, and the shared application beside the video (drafts, stills,
// verdicts). The socket's path and close codes come from the page's config (banshi/remote/call.py).
//
// Signaling (see banshi/remote/consumers.py): a group does not keep messages for someone who has not
// joined yet, so each page says `hello` when its socket opens and answers another page's `hello` with
// `ready`. The clerk offers once it knows the resident's page is there; the resident answers. ICE
// candidates that arrive before the remote description are kept until it is set. Each page says
// `connected` when its peer connection is connected (and again on a new socket while it still is): the
// server counts the call connected once both pages have. The chat already on the page (the server
// keeps it with the call) is what a reload or a resumed call shows again.
(function () {
  "use strict";

  var configElement = document.getElementById("call-config");
  if (!configElement) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var text = config.strings;
  var closeCodes = config.closeCodes;
  var isClerk = config.role === "clerk";
  var peerId = Math.random().toString(36).slice(2) + Date.now().toString(36);

  var statusLine = document.getElementById("call-status");
  var problemLine = document.getElementById("call-problem");
  var remoteMedia = document.getElementById("remote-media");
  var localVideo = document.getElementById("local-video");
  var remoteVideo = document.getElementById("remote-video");
  var chatLog = document.getElementById("chat-log");
  var chatInput = document.getElementById("chat-input");
  var chatForm = document.getElementById("chat-form");
  var audioButton = document.getElementById("toggle-audio");
  var videoButton = document.getElementById("toggle-video");
  var switchButton = document.getElementById("switch-camera");
  var panel = document.getElementById("call-panel");
  var endForm = document.getElementById("end-call");

  var localStream = null;
  var pc = null;
  var pendingCandidates = [];
  var otherPeer = null;
  var offeredTo = null;
  var socket = null;
  var socketAttempts = 0;
  var finished = false;
  var restartedIce = false;
  var cameras = [];

  function setState(state, message) {
    statusLine.setAttribute("data-state", state);
    statusLine.textContent = message || text[state];
  }

  // A problem with this side's camera or microphone, by its key in the strings (kept on the element).
  function showProblem(key) {
    problemLine.setAttribute("data-problem", key);
    problemLine.textContent = text[key];
    problemLine.hidden = false;
  }

  // ---- Camera and microphone -------------------------------------------------------------------

  function getMedia(constraints) {
    return navigator.mediaDevices.getUserMedia(constraints);
  }

  async function startMedia() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showProblem("media_missing");
      return;
    }
    try {
      localStream = await getMedia({ audio: true, video: true });
    } catch (error) {
      if (error.name === "NotAllowedError" || error.name === "SecurityError") {
        showProblem("media_denied");
        return;
      }
      // One of the two may exist on its own: a laptop without a camera still gives a voice.
      try {
        localStream = await getMedia({ audio: true });
        showProblem("camera_missing");
      } catch (second) {
        showProblem(second.name === "NotAllowedError" ? "media_denied" : "media_missing");
        return;
      }
    }
    localVideo.srcObject = localStream;
    updateMediaButtons();
    await listCameras();
  }

  async function listCameras() {
    try {
      var devices = await navigator.mediaDevices.enumerateDevices();
      cameras = devices.filter(function (device) {
        return device.kind === "videoinput";
      });
    } catch (error) {
      cameras = [];
    }
    switchButton.hidden = cameras.length < 2;
  }

  function track(kind) {
    if (!localStream) {
      return null;
    }
    var tracks = kind === "audio" ? localStream.getAudioTracks() : localStream.getVideoTracks();
    return tracks.length ? tracks[0] : null;
  }

  function updateMediaButtons() {
    var audio = track("audio");
    var video = track("video");
    audioButton.disabled = !audio;
    videoButton.disabled = !video;
    audioButton.setAttribute("aria-pressed", audio && !audio.enabled ? "true" : "false");
    audioButton.textContent = audio && !audio.enabled ? text.unmute : text.mute;
    videoButton.setAttribute("aria-pressed", video && !video.enabled ? "true" : "false");
    videoButton.textContent = video && !video.enabled ? text.camera_on : text.camera_off;
  }

  function sendMuteState() {
    var audio = track("audio");
    var video = track("video");
    send({ type: "mute", audio: !audio || !audio.enabled, video: !video || !video.enabled });
  }

  audioButton.addEventListener("click", function () {
    var audio = track("audio");
    if (audio) {
      audio.enabled = !audio.enabled;
      updateMediaButtons();
      sendMuteState();
    }
  });

  videoButton.addEventListener("click", function () {
    var video = track("video");
    if (video) {
      video.enabled = !video.enabled;
      updateMediaButtons();
      sendMuteState();
    }
  });

  switchButton.addEventListener("click", async function () {
    var current = track("video");
    if (!current || cameras.length < 2) {
      return;
    }
    var currentId = current.getSettings().deviceId;
    var index = cameras.findIndex(function (camera) {
      return camera.deviceId === currentId;
    });
    var next = cameras[(index + 1) % cameras.length];
    try {
      var stream = await getMedia({ video: { deviceId: { exact: next.deviceId } } });
      var replacement = stream.getVideoTracks()[0];
      replacement.enabled = current.enabled;
      if (pc) {
        var sender = pc.getSenders().find(function (s) {
          return s.track && s.track.kind === "video";
        });
        if (sender) {
          await sender.replaceTrack(replacement);
        }
      }
      localStream.removeTrack(current);
      current.stop();
      localStream.addTrack(replacement);
      localVideo.srcObject = localStream;
    } catch (error) {
      showProblem("camera_switch_failed");
    }
  });

  // ---- The peer connection ---------------------------------------------------------------------

  function peerConnected() {
    return !!pc && ["connected", "completed"].indexOf(pc.iceConnectionState) >= 0;
  }

  // The server counts the call connected once both pages have said this of the connection of now.
  function reportConnected() {
    if (peerConnected() && !finished) {
      send({ type: "connected", peer: peerId });
    }
  }

  function closePeer() {
    if (pc) {
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.oniceconnectionstatechange = null;
      pc.close();
    }
    pc = null;
    pendingCandidates = [];
    offeredTo = null;
    restartedIce = false;
  }

  function newPeer() {
    closePeer();
    var connection = new RTCPeerConnection({ iceServers: config.iceServers });
    pc = connection;
    var kinds = { audio: false, video: false };
    if (localStream) {
      localStream.getTracks().forEach(function (t) {
        pc.addTrack(t, localStream);
        kinds[t.kind] = true;
      });
    }
    // Without a camera or microphone of one's own, still receive the other side's.
    Object.keys(kinds).forEach(function (kind) {
      if (!kinds[kind]) {
        pc.addTransceiver(kind, { direction: "recvonly" });
      }
    });
    pc.onicecandidate = function (event) {
      send({ type: "candidate", candidate: event.candidate ? event.candidate.toJSON() : null });
    };
    pc.ontrack = function (event) {
      if (remoteVideo.srcObject !== event.streams[0]) {
        remoteVideo.srcObject = event.streams[0] || new MediaStream([event.track]);
      }
    };
    pc.oniceconnectionstatechange = function () {
      var state = connection.iceConnectionState;
      if (finished) {
        return;
      }
      if (state === "connected" || state === "completed") {
        setState("connected");
        remoteMedia.textContent = "";
        reportConnected();
      } else if (state === "disconnected") {
        setState("reconnecting", text.peer_connection_lost);
      } else if (state === "failed") {
        setState("failed", text.peer_connection_failed);
        if (isClerk && !restartedIce) {
          restartedIce = true;
          makeOffer(true);
        }
      }
    };
    return pc;
  }

  async function makeOffer(iceRestart) {
    if (!pc) {
      newPeer();
    }
    offeredTo = otherPeer;
    var offer = await pc.createOffer(iceRestart ? { iceRestart: true } : undefined);
    await pc.setLocalDescription(offer);
    send({ type: "offer", sdp: pc.localDescription.sdp });
  }

  async function flushCandidates() {
    var queued = pendingCandidates;
    pendingCandidates = [];
    for (var i = 0; i < queued.length; i++) {
      await addCandidate(queued[i]);
    }
  }

  async function addCandidate(candidate) {
    try {
      await pc.addIceCandidate(candidate || undefined);
    } catch (error) {
      // A candidate of an offer since replaced: harmless.
    }
  }

  async function onSignal(message) {
    switch (message.type) {
      case "hello":
        // A page of the other side (new, reloaded, or back on a new socket) is here.
        var samePeerStillConnected = message.peer === otherPeer && peerConnected();
        otherPeer = message.peer;
        send({ type: "ready", peer: peerId });
        if (samePeerStillConnected) {
          reportConnected(); // its socket came back: the server heard of a drop
        } else {
          setState("connecting");
          newPeer();
          if (isClerk) {
            await makeOffer(false);
          }
        }
        break;
      case "ready":
        if (isClerk && message.peer !== offeredTo) {
          otherPeer = message.peer;
          setState("connecting");
          newPeer();
          await makeOffer(false);
        }
        break;
      case "offer":
        if (isClerk) {
          return;
        }
        if (!pc) {
          newPeer();
        }
        await pc.setRemoteDescription({ type: "offer", sdp: message.sdp });
        await flushCandidates();
        var answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        send({ type: "answer", sdp: pc.localDescription.sdp });
        break;
      case "answer":
        if (!isClerk || !pc || pc.signalingState !== "have-local-offer") {
          return;
        }
        await pc.setRemoteDescription({ type: "answer", sdp: message.sdp });
        await flushCandidates();
        break;
      case "candidate":
        if (pc && pc.remoteDescription) {
          await addCandidate(message.candidate);
        } else {
          pendingCandidates.push(message.candidate);
        }
        break;
      case "chat":
        addChat(message.from === "clerk" ? text.clerk : text.resident, message.text, "chat-theirs");
        break;
      case "chat-refused":
        addChat("", text.chat_not_sent, "chat-refused error-message");
        break;
      case "mute":
        var notes = [];
        if (message.audio) {
          notes.push(text.remote_muted);
        }
        if (message.video) {
          notes.push(text.remote_camera_off);
        }
        remoteMedia.textContent = notes.join(" ");
        break;
      case "bye":
      case "left":
        if (!finished) {
          setState("reconnecting", text.peer_left);
        }
        break;
      case "draft":
      case "review":
        refreshPanel();
        break;
      case "ended":
        endCall();
        break;
    }
  }

  // ---- The signaling socket --------------------------------------------------------------------

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }

  function connectSocket() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + config.wsPath);
    // Messages are handled one after the other: an answer must not overtake the offer's handling.
    var chain = Promise.resolve();
    socket.onopen = function () {
      socketAttempts = 0;
      send({ type: "hello", peer: peerId });
      reportConnected(); // back on a new socket with the media still flowing
      if (statusLine.getAttribute("data-state") !== "connected") {
        setState("connecting", text.waiting);
      }
    };
    socket.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      chain = chain.then(function () {
        return onSignal(message);
      }).catch(function () {
        setState("failed", text.peer_connection_failed);
      });
    };
    socket.onclose = function (event) {
      socket = null;
      if (finished) {
        return;
      }
      if (event.code === closeCodes.refused) {
        finish("failed", text.refused);
      } else if (event.code === closeCodes.replaced) {
        finish("ended", text.replaced);
      } else if (event.code === closeCodes.ended) {
        endCall();
      } else {
        // The server restarted or the network blinked: the call is kept for the rejoin window.
        if (statusLine.getAttribute("data-state") !== "connected") {
          setState("reconnecting", text.server_lost);
        }
        socketAttempts += 1;
        setTimeout(connectSocket, Math.min(1000 * Math.pow(2, socketAttempts - 1), 15000));
      }
    };
  }

  function finish(state, message) {
    finished = true;
    closePeer();
    if (localStream) {
      localStream.getTracks().forEach(function (t) {
        t.stop();
      });
    }
    if (socket) {
      socket.close();
    }
    setState(state, message);
    // Over: no dark video boxes, no buttons that do nothing, no chat box that would take a message
    // nobody reads. The chat said stays on the page.
    [localVideo, remoteVideo].forEach(function (video) {
      video.srcObject = null;
    });
    document.querySelectorAll("[data-during-call]").forEach(function (element) {
      element.hidden = true;
    });
    document.querySelectorAll("[data-during-call] button, [data-during-call] input").forEach(function (control) {
      control.disabled = true;
    });
    document.querySelectorAll("[data-after-call]").forEach(function (element) {
      element.hidden = false;
    });
    if (endForm) {
      endForm.hidden = true;
    }
  }

  function endCall() {
    if (!finished) {
      finish("ended", text.ended);
      refreshPanel();
    }
  }

  // ---- Chat ------------------------------------------------------------------------------------

  function addChat(who, message, className) {
    var item = document.createElement("li");
    item.className = className;
    if (who) {
      var name = document.createElement("strong");
      name.textContent = who + ": ";
      item.appendChild(name);
    }
    item.appendChild(document.createTextNode(message));
    chatLog.appendChild(item);
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  chatForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = chatInput.value.trim();
    // Not sent (kept in the box) while there is no socket to take it.
    if (finished || !message || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    send({ type: "chat", text: message.slice(0, 1000) });
    addChat(text.you, message, "chat-mine");
    chatInput.value = "";
    chatInput.focus();
  });

  // ---- The shared application, stills and verdicts (server-rendered panel, htmx) -------------------
  //
  // The panel's forms are sent by htmx and answered with the panel, morphed into place
  // (remote/_call_panel.html); so is the clerk's form that ends the call (remote/_call_end.html).
  // What the other side changed arrives over the socket as `draft` or `review`, and the panel fetches
  // itself again. Only the still of the video and a request that got no answer need this script.

  function refreshPanel() {
    if (panel && window.htmx) {
      htmx.trigger(panel, "refresh");
    }
  }

  function captureStill() {
    return new Promise(function (resolve) {
      if (!remoteVideo.videoWidth) {
        resolve(null);
        return;
      }
      var canvas = document.createElement("canvas");
      canvas.width = remoteVideo.videoWidth;
      canvas.height = remoteVideo.videoHeight;
      canvas.getContext("2d").drawImage(remoteVideo, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(resolve, "image/png");
    });
  }

  // A request the server did not answer with something to show (the network, a server error, the call
  // over meanwhile): said at the top of the form, until the form's next answer replaces it.
  function showFailure(form) {
    if (!form || form.tagName !== "FORM" || form.querySelector("[data-request-failed]")) {
      return;
    }
    var message = document.createElement("p");
    message.className = "error-message";
    message.setAttribute("data-request-failed", "");
    message.setAttribute("role", "alert");
    message.textContent = text.request_failed;
    form.insertBefore(message, form.firstChild);
  }

  var stills = new WeakMap();

  [panel, endForm].forEach(function (area) {
    if (!area) {
      return;
    }
    area.addEventListener("htmx:responseError", function (event) {
      showFailure(event.detail.elt);
    });
    area.addEventListener("htmx:sendError", function (event) {
      showFailure(event.detail.elt);
    });
  });

  if (panel) {
    // A capture form is sent once the still is taken; without a picture it goes without one, and the
    // answer says so beside the button.
    panel.addEventListener("htmx:confirm", function (event) {
      var form = event.detail.elt;
      if (!form.hasAttribute("data-capture")) {
        return;
      }
      event.preventDefault();
      captureStill().then(function (blob) {
        stills.set(form, blob);
        event.detail.issueRequest(true);
      });
    });
    panel.addEventListener("htmx:configRequest", function (event) {
      var form = event.detail.elt;
      var blob = stills.get(form);
      stills.delete(form);
      if (blob) {
        event.detail.formData.append("file", blob, form.elements.material.value + ".png");
      }
    });
  }

  if (endForm) {
    // Ended (answered with nothing to swap in): this page stops the call without waiting for the socket.
    endForm.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.xhr && event.detail.xhr.status === 204) {
        endCall();
      }
    });
  }

  window.addEventListener("pagehide", function () {
    if (socket && !finished) {
      socket.close();
    }
  });

  // ---- Start -----------------------------------------------------------------------------------

  async function start() {
    if (!window.RTCPeerConnection || !window.WebSocket) {
      finish("failed", text.unsupported);
      return;
    }
    setState("connecting");
    await startMedia();
    connectSocket();
  }

  start();
})();
