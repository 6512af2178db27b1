// The filter bar (docs/DESIGN.md, "Filter bar"): every <select multiple data-filter> becomes a searchable
// multi-select whose choices show as chips (Tom Select, static/vendor/tom-select/). Progressive enhancement:
// without JavaScript the native multi-select and the GET form still work.
//
// The filter state lives in the URL, so a filtered view can be bookmarked and shared:
// - a GET form (full page or htmx with hx-push-url) puts it there by itself;
// - a form that refreshes its page by script (the calendar: data-filter-url="replace") has its fields
//   written into the address with history.replaceState on every change, and read back from it on load,
//   before the page's own script (deferred later, or run at DOMContentLoaded) first reads the form.
// Strings come from the template's data-* attributes, translated there (no inline script: strict CSP).
(function () {
  "use strict";

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.type !== "hidden" && field.type !== "submit" && field.type !== "button";
    });
  }

  function names(form) {
    var seen = {};
    fields(form).forEach(function (field) { seen[field.name] = true; });
    return Object.keys(seen);
  }

  // The form's state as query parameters (what a GET submit would send, less the empty values).
  function serialize(form) {
    var params = new URLSearchParams();
    fields(form).forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) { params.append(field.name, field.value); }
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.selectedOptions, function (option) { params.append(field.name, option.value); });
      } else if (field.value) {
        params.append(field.name, field.value);
      }
    });
    return params;
  }

  // Sets the form's fields from the address. With `always` false, a field the address does not name keeps
  // its default (the calendar's "show" boxes start ticked: no "kind" in the address means both kinds).
  function restore(form, always) {
    var params = new URLSearchParams(window.location.search);
    fields(form).forEach(function (field) {
      if (!always && !params.has(field.name)) { return; }
      var values = params.getAll(field.name);
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
      } else if (field.tagName === "SELECT") {
        var known = Array.prototype.some.call(field.options, function (option) { return option.value === values[0]; });
        field.selectedIndex = 0;
        if (known) { field.value = values[0]; }
      } else {
        field.value = values.length ? values[0] : "";
      }
    });
  }

  function writeAddress(form) {
    var url = new URL(window.location.href);
    names(form).forEach(function (name) { url.searchParams.delete(name); });
    serialize(form).forEach(function (value, name) { url.searchParams.append(name, value); });
    var query = url.searchParams.toString();
    window.history.replaceState(window.history.state, "", url.pathname + (query ? "?" + query : "") + url.hash);
  }

  function text(node) { return (node.textContent || "").trim(); }

  // The chip's remove button is named after what it removes ("Remove Planned"), for screen readers.
  function nameRemoveButton(select, item) {
    var button = item && item.querySelector(".remove");
    if (!button) { return; }
    var label = (select.dataset.removeText || "Remove") + " " + text(item.firstChild || item);
    button.setAttribute("aria-label", label);
    button.setAttribute("title", label);
  }

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") { return; }
    var noResults = select.dataset.noResults || "";
    var widget = new window.TomSelect(select, {
      plugins: { remove_button: { title: select.dataset.removeText || "", label: "×" } },
      placeholder: select.dataset.placeholder || "",
      // The text box stays in its place after the chips, focused or not: a box that appears on focus and goes
      // on blur would change the bar's height under the pointer (a click on the next field would miss it).
      hidePlaceholder: false,
      maxOptions: null,
      closeAfterSelect: false,
      render: {
        // Inside the listbox, so an option (a disabled one) rather than a bare text (axe aria-required-children).
        no_results: function (data, escape) {
          return "<div class=\"no-results\" role=\"option\" aria-disabled=\"true\">" + escape(noResults) + "</div>";
        }
      },
      onItemAdd: function () {
        // A search typed to find one choice does not linger to hide the next.
        this.setTextboxValue("");
        this.refreshOptions(false);
      }
    });
    widget.on("item_add", function (value, item) { nameRemoveButton(select, item); });
    Array.prototype.forEach.call(widget.control.querySelectorAll(".item"), function (item) { nameRemoveButton(select, item); });
    // The native select stays in the form (it is what is submitted) but leaves the accessibility tree:
    // the combobox Tom Select draws carries its label.
    select.setAttribute("aria-hidden", "true");
    select.dataset.filterEnhanced = "true";
  }

  function start(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-filter-bar]"), function (form) {
      if (form.dataset.filterUrl === "replace" && !form.dataset.filterStarted) {
        restore(form, false);
        form.addEventListener("change", function () { writeAddress(form); });
      }
      form.dataset.filterStarted = "true";
      Array.prototype.forEach.call(form.querySelectorAll("select[multiple][data-filter]"), enhance);
    });
  }

  // htmx's history keeps a copy of the page's markup: coming back to it shows Tom Select's drawing without its
  // script, and the choices of the moment as the markup had them. Undo the drawing, take the choices from the
  // restored address, and enhance again.
  function afterHistoryRestore() {
    Array.prototype.forEach.call(document.querySelectorAll(".ts-wrapper, .ts-dropdown"), function (node) { node.remove(); });
    Array.prototype.forEach.call(document.querySelectorAll("select[data-filter-enhanced]"), function (select) {
      select.classList.remove("tomselected", "ts-hidden-accessible");
      select.removeAttribute("aria-hidden");
      select.removeAttribute("tabindex");
      delete select.dataset.filterEnhanced;
      var label = document.querySelector("label[for='" + select.id + "-ts-control']");
      if (label) { label.setAttribute("for", select.id); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-filter-bar]"), function (form) {
      delete form.dataset.filterStarted;
      restore(form, true);
    });
    start(document);
  }

  document.addEventListener("htmx:historyRestore", afterHistoryRestore);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
})();
