// Searchable single selects (docs/DESIGN.md, "Searchable select"): every <select data-search-select> — a person
// or a team picked among many (the campaign list's Owner filter, owner and sponsor in the campaign form, a
// task's assignee; mrm.widgets.QuickSelect marks its selects) — becomes a Tom Select with a search box
// (static/vendor/tom-select/). The empty choice ("Anyone", "---------") stays a choice, so a field can be
// cleared as before. Keyboard: Tab in, type to narrow, arrows, Enter picks, Escape closes.
// Progressive enhancement: without JavaScript the native select works. Strings come from the template's or the
// widget's data-* attributes, translated there (no inline script: strict CSP).
(function () {
  "use strict";

  var SELECTOR = "select[data-search-select]:not([multiple])";

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") { return; }
    var noResults = select.dataset.noResults || "";
    var widget = new window.TomSelect(select, {
      allowEmptyOption: true,
      maxOptions: null,
      // The chosen name is shown once, in the box; what is typed searches among the others.
      hidePlaceholder: false,
      render: {
        // Inside the listbox, so an option (a disabled one) rather than a bare text (axe aria-required-children).
        no_results: function (data, escape) {
          return "<div class=\"no-results\" role=\"option\" aria-disabled=\"true\">" + escape(noResults) + "</div>";
        }
      }
    });
    // While a search is typed, the name chosen so far steps aside, so the box reads as what is typed.
    function typing(query) { widget.wrapper.classList.toggle("search-select-typing", Boolean(query)); }
    widget.on("type", typing);
    widget.on("blur", function () { typing(""); });
    widget.on("change", function () { typing(""); });
    // The native select stays in the form (it is what is submitted) but leaves the accessibility tree: the
    // combobox Tom Select draws carries its label.
    select.setAttribute("aria-hidden", "true");
    select.dataset.searchEnhanced = "true";
  }

  function start(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches(SELECTOR)) { enhance(root); }
    Array.prototype.forEach.call(root.querySelectorAll(SELECTOR), enhance);
  }

  // htmx's history keeps the page's markup with Tom Select's drawing but not its script: undo the drawing and
  // enhance again (the select's value is what the restored markup, or filters.js from the address, says).
  // On window, so it runs after filters.js's own clean-up on the document.
  function afterHistoryRestore() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-search-enhanced]"), function (select) {
      var drawn = select.nextElementSibling;
      if (drawn && drawn.classList.contains("ts-wrapper")) { drawn.remove(); }
      select.classList.remove("tomselected", "ts-hidden-accessible");
      select.removeAttribute("aria-hidden");
      select.removeAttribute("tabindex");
      delete select.dataset.searchEnhanced;
      var label = document.querySelector("label[for='" + select.id + "-ts-control']");
      if (label) { label.setAttribute("for", select.id); }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".ts-dropdown"), function (node) {
      if (!node.closest(".ts-wrapper")) { node.remove(); }
    });
    start(document);
  }

  // Content htmx swaps in (a task's form, the bulk bar) is enhanced as it arrives.
  document.addEventListener("htmx:load", function (event) { start(event.detail.elt); });
  window.addEventListener("htmx:historyRestore", afterHistoryRestore);
  // After every DOMContentLoaded handler, so a bar restored from the address (filters.js) is read as restored.
  function startSoon() { window.setTimeout(function () { start(document); }, 0); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startSoon);
  } else {
    startSoon();
  }
})();
