/* Online proofing on the material page (PRODUCT.md §5).
 *
 * Markers of pinned comments are placed from their data-x / data-y (0–1)
 * through CSS custom properties (no inline style attribute in the HTML: the
 * CSP and the template scanner forbid them). Clicking a point of a preview
 * fills the pin form's page/x/y and shows where the comment will be pinned;
 * the comment itself is posted by the form (a comment, never a decision).
 */
(function () {
  "use strict";

  function place(marker) {
    var x = parseFloat(marker.dataset.x);
    var y = parseFloat(marker.dataset.y);
    if (isNaN(x) || isNaN(y)) { return; }
    marker.style.setProperty("--pin-x", (x * 100).toFixed(3) + "%");
    marker.style.setProperty("--pin-y", (y * 100).toFixed(3) + "%");
    marker.classList.add("is-placed");
  }

  function percent(value) {
    return Math.round(value * 100) + "%";
  }

  function setup() {
    document.querySelectorAll(".proof-pin").forEach(place);
    var form = document.getElementById("pin-form");
    if (!form) { return; }
    var pageInput = document.getElementById("pin-page");
    var xInput = document.getElementById("pin-x");
    var yInput = document.getElementById("pin-y");
    var status = document.getElementById("pin-status");
    var body = document.getElementById("pin-body");
    var clear = document.getElementById("pin-clear");
    var draft = null;

    function describe() {
      if (!xInput.value) {
        status.textContent = status.dataset.empty;
        return;
      }
      status.textContent = status.dataset.pinned
        .replace("{page}", pageInput.value || "1")
        .replace("{x}", percent(parseFloat(xInput.value)))
        .replace("{y}", percent(parseFloat(yInput.value)));
    }

    function removeDraft() {
      if (draft && draft.parentNode) { draft.parentNode.removeChild(draft); }
      draft = null;
    }

    function pinAt(figure, x, y) {
      pageInput.value = figure.dataset.page || "1";
      xInput.value = x.toFixed(4);
      yInput.value = y.toFixed(4);
      removeDraft();
      draft = document.createElement("span");
      draft.className = "proof-pin proof-pin-draft";
      draft.dataset.x = xInput.value;
      draft.dataset.y = yInput.value;
      draft.dataset.testid = "pin-draft";
      draft.setAttribute("aria-hidden", "true");
      draft.textContent = "+";
      figure.querySelector(".proof-canvas").appendChild(draft);
      place(draft);
      describe();
      body.focus();
    }

    document.querySelectorAll(".proof[data-pinnable] .proof-image").forEach(function (image) {
      image.classList.add("is-pinnable");
      image.addEventListener("click", function (event) {
        var box = image.getBoundingClientRect();
        if (!box.width || !box.height) { return; }
        var x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
        var y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
        pinAt(image.closest(".proof"), x, y);
      });
    });

    if (clear) {
      clear.addEventListener("click", function () {
        pageInput.value = "";
        xInput.value = "";
        yInput.value = "";
        removeDraft();
        describe();
      });
    }
    describe();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
