// Progressive enhancement only: every page works without this script.
// Move the focus to the error summary so that screen-reader and keyboard users hear the problems first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
