// MRM's own script: no inline scripts anywhere (strict Content-Security-Policy).
// Moves focus to swapped content announced by htmx so keyboard users follow.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.hasAttribute("data-focus-after-swap")) {
    target.focus();
  }
});

// A table that scrolls sideways (on a phone) must be reachable by keyboard
// (WCAG 2.1.1, axe "scrollable-region-focusable"): a scroller without a
// focusable cell becomes a focusable, named region; one that does not scroll
// stays out of the tab order.
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

  function label(scroller) {
    var card = scroller.closest(".card, section");
    var heading = card && card.querySelector(".card-title, h2, h3");
    return heading ? heading.textContent.trim() : document.title;
  }

  // A scroller's width also changes without a window resize: a panel loaded below adds the page's
  // scrollbar and a table that fitted by a few pixels now scrolls. Each scroller is watched.
  var watcher = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { update(entry.target); });
  }) : null;

  function mark(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(".table-responsive"), function (scroller) {
      update(scroller);
      if (watcher && !scroller.dataset.mrmWatched) {
        scroller.dataset.mrmWatched = "true";
        watcher.observe(scroller);
      }
    });
  }

  function update(scroller) {
    var scrolls = scroller.scrollWidth > scroller.clientWidth + 1;
    if (scrolls && !scroller.querySelector(FOCUSABLE)) {
      scroller.setAttribute("tabindex", "0");
      // A named group, not a region: the card around it is already a landmark of the same name,
      // and two landmarks of one name are one too many (axe landmark-unique).
      scroller.setAttribute("role", "group");
      if (!scroller.hasAttribute("aria-label")) { scroller.setAttribute("aria-label", label(scroller)); }
      scroller.dataset.mrmScroller = "true";
    } else if (!scrolls && scroller.dataset.mrmScroller === "true") {
      scroller.removeAttribute("tabindex");
      scroller.removeAttribute("role");
      scroller.removeAttribute("aria-label");
      delete scroller.dataset.mrmScroller;
    }
  }

  document.addEventListener("DOMContentLoaded", function () { mark(document); });
  // Marked as soon as new content is in (afterSwap), and again once it settled (its final size).
  document.addEventListener("htmx:afterSwap", function () { mark(document); });
  document.addEventListener("htmx:afterSettle", function () { mark(document); });
  var pending;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { mark(document); }, 150);
  });
}());

// The campaign list's bulk bar (issue 18 item 1): show the fields of the chosen action, "select all on this
// page", and how many are selected. Without JavaScript every field shows and the form still works.
(function () {
  function bar() { return document.querySelector("[data-bulk-form]"); }
  function showFields() {
    var form = bar();
    if (!form) return;
    var action = form.querySelector("select[name=action]").value;
    Array.prototype.forEach.call(form.querySelectorAll("[data-bulk-for]"), function (field) {
      field.hidden = field.getAttribute("data-bulk-for") !== action;
    });
  }
  function count() {
    var form = bar();
    if (!form) return;
    var matching = document.querySelector("[data-bulk-matching]");
    var ticked = document.querySelectorAll("[data-bulk-item]:checked").length;
    var label = form.querySelector("[data-bulk-count]");
    label.textContent = matching && matching.checked ? "" : "(" + ticked + ")";
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-bulk-form] select[name=action]")) showFields();
    if (target.matches("[data-bulk-all]")) {
      Array.prototype.forEach.call(document.querySelectorAll("[data-bulk-item]"), function (box) { box.checked = target.checked; });
    }
    if (target.matches("[data-bulk-all], [data-bulk-item], [data-bulk-matching]")) count();
  });
  document.addEventListener("DOMContentLoaded", function () { showFields(); count(); });
  document.addEventListener("htmx:afterSettle", count);
  // A double click sends one bulk change, not two (a date shift applied twice would move the plan twice).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-bulk-form]")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
})();
