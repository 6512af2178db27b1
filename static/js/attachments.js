// Attachments card: drop several files on the dashed zone to attach them at once (issue 18 item 3).
// Progressive enhancement: without this script the multiple file input and the Attach button do the same.
(function () {
  "use strict";

  function zoneOf(event) {
    return event.target instanceof Element ? event.target.closest("[data-attachments-drop]") : null;
  }

  document.addEventListener("dragover", function (event) {
    var zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("bg-primary-lt");
  });

  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone) zone.classList.remove("bg-primary-lt");
  });

  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone || !event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    zone.classList.remove("bg-primary-lt");
    var form = zone.closest("form");
    var input = form.querySelector("input[type=file]");
    input.files = event.dataTransfer.files;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });
})();
