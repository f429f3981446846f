// The story video's page: the upload through tus (tus-js-client), resumed after a dropped connection or a
// reload of the page, with its progress; then the conversion's progress, polled until it is done.
(function () {
  "use strict";

  function pollState() {
    var box = document.getElementById("video-state");
    if (!box || box.dataset.done === "1") {
      return;
    }
    var status = document.getElementById("video-status");
    var reason = document.getElementById("video-reason");
    var conversion = document.getElementById("conversion");
    var bar = document.getElementById("conversion-progress");
    var polling = false;

    function update(state) {
      status.textContent = state.label.charAt(0).toUpperCase() + state.label.slice(1);
      status.className = "badge badge-" + state.status;
      reason.textContent = state.reason;
      reason.hidden = !state.reason;
      conversion.hidden = state.status !== "uploaded" && state.status !== "transcoding";
      bar.value = state.progress;
      bar.textContent = state.progress + "%";
      if (state.done) {
        box.dataset.done = "1";
        var form = document.getElementById("video-upload");
        if (form) {
          form.hidden = true;
        }
      }
      return state;
    }

    function ask() {
      if (polling || box.dataset.done === "1") {
        return;
      }
      polling = true;
      fetch(box.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (state) {
          if (state) {
            update(state);
          }
        })
        .catch(function () { /* asked again in a moment */ })
        .then(function () {
          polling = false;
          if (box.dataset.done !== "1") {
            window.setTimeout(ask, 1500);
          }
        });
    }
    box.pollNow = ask;
    window.setTimeout(ask, 1500);
  }

  function upload() {
    var form = document.getElementById("video-upload");
    if (!form || !window.tus) {
      return;
    }
    var input = document.getElementById("video-file");
    var error = document.getElementById("upload-error");
    var box = document.getElementById("upload");
    var bar = document.getElementById("upload-progress");
    var percent = document.getElementById("upload-percent");
    var note = document.getElementById("upload-note");
    var button = document.getElementById("upload-start");

    function problem(text) {
      error.textContent = text;
      error.hidden = !text;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      problem("");
      var file = input.files && input.files[0];
      if (!file) {
        input.focus();
        return;
      }
      if (file.size > Number(form.dataset.maxBytes)) {
        problem(form.dataset.tooLarge);
        return;
      }
      button.disabled = true;
      input.disabled = true;
      box.hidden = false;
      var job = new window.tus.Upload(file, {
        endpoint: form.dataset.endpoint,
        chunkSize: 4 * 1024 * 1024,
        // A dropped connection is retried, and the upload carries on from the server's offset.
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
        // Retried whatever navigator.onLine says (a phone between cells reports it late, or wrongly):
        // a lost connection, a busy upload (423), an offset that moved on (409) or a server error.
        onShouldRetry: function (failure) {
          var status = failure.originalResponse ? failure.originalResponse.getStatus() : 0;
          return status === 0 || status === 409 || status === 423 || status >= 500;
        },
        removeFingerprintOnSuccess: true,
        headers: { "X-CSRFToken": form.dataset.csrf },
        metadata: { video: form.dataset.video, filename: file.name, filetype: file.type },
        onProgress: function (sent, total) {
          var done = total ? Math.floor((sent * 100) / total) : 0;
          bar.value = done;
          percent.textContent = done + "%";
        },
        onError: function (failure) {
          button.disabled = false;
          input.disabled = false;
          var detail = failure && failure.originalResponse ? failure.originalResponse.getBody() : "";
          problem(form.dataset.failed + " " + (detail || String(failure && failure.message ? failure.message : "")));
        },
        onSuccess: function () {
          bar.value = 100;
          percent.textContent = "100%";
          var state = document.getElementById("video-state");
          if (state && state.pollNow) {
            state.pollNow();
          }
        }
      });
      job.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          note.textContent = form.dataset.resumed;
          note.hidden = false;
          job.resumeFromPreviousUpload(previous[0]);
        }
        job.start();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    pollState();
    upload();
  });
})();
