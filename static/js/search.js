// Global search from every page (issue 18.4): "/" focuses the search box in the top bar,
// unless one is typing somewhere (an input, a text area, a select, an editable region).
// The key is found by its place too: with a Russian layout the "/" key types "." (code "Slash").
(function () {
  "use strict";
  function typing(target) {
    if (!target || target === document.body) { return false; }
    if (target.isContentEditable) { return true; }
    return /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  document.addEventListener("keydown", function (event) {
    if ((event.key !== "/" && event.code !== "Slash") || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    // "?" (Shift and the same key) lists a page's keyboard shortcuts (shortcuts.js); it is not a search
    if (event.key === "?" || (event.shiftKey && event.code === "Slash")) { return; }
    if (typing(event.target)) { return; }
    var box = document.querySelector("[data-mrm-search-box]");
    if (!box) { return; }
    event.preventDefault();
    box.focus();
    box.select();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target && event.target.hasAttribute("data-mrm-search-box")) {
      event.target.blur();
    }
  });
}());
