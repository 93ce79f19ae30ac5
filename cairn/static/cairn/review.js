// The scoring page: say so when an autosave did not reach the server, so nobody believes
// a draft is saved when it is not. Saving itself is htmx (see review/review.html).
(function () {
  "use strict";
  function status(text) {
    var el = document.getElementById("save-status");
    if (!el) return;
    el.textContent = "";
    var span = document.createElement("span");
    span.className = "error";
    span.textContent = text;
    el.appendChild(span);
  }
  function fromScoringForm(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.closest && elt.closest("#scoring-form");
  }
  document.addEventListener("htmx:sendError", function (event) {
    if (fromScoringForm(event)) status("Not saved: Cairn could not be reached. Your text is still on this page; use “Save draft” when you are back online.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (fromScoringForm(event)) status("Not saved: something went wrong on the server. Use “Save draft” to try again.");
  });
})();
