// Keyboard shortcuts of a work queue (issue 19 item 6): the approvals inbox and the finance review queue.
// Markup (docs/DESIGN.md, "Keyboard shortcuts"):
//   [data-shortcuts]            the list; its items are [data-shortcuts-item]
//   [data-shortcuts-open]       the item's link (j/k focus it, Enter follows it)
//   [data-shortcuts-approve]    the item's Approve button of its existing decision form (a)
//   [data-shortcuts-changes]    the item's Request changes button (r)
//   [data-shortcuts-note]       the item's note field: r goes there first when there is one
//   [data-shortcuts-dialog]     the <dialog> listing the shortcuts (?), opened by [data-shortcuts-help] too
//   [data-shortcuts-status]     a polite live region saying what Enter will do
// A decision is final, so a and r never decide on their own: they put the focus on the item's own
// button (or its note, for r) and say so; Enter then submits the form as a click would. Nothing fires
// while one types (an input, a text area, a select, an editable region) or with Ctrl, Alt or Meta; the
// keys are found by their place too (a Russian layout types о, л, ф, к). Single-key shortcuts can be
// turned off in the dialog (WCAG 2.1.4), remembered in this browser.
(function () {
  "use strict";
  var STORE = "mrm.shortcuts.off";
  var current = null; // the item j/k reached last
  var armed = null; // {item, note} after r: Enter in that note requests changes

  // the djangojs catalogue (/jsi18n/) defines gettext and interpolate; without it the English stays
  var gettext = window.gettext || function (text) { return text; };
  function fmt(text, item) {
    var values = { title: title(item) };
    return window.interpolate ? window.interpolate(text, values, true) : text.replace("%(title)s", values.title);
  }

  function list() { return document.querySelector("[data-shortcuts]"); }
  function items() {
    var root = list();
    return root ? Array.prototype.slice.call(root.querySelectorAll("[data-shortcuts-item]")) : [];
  }
  function dialog() { return document.querySelector("[data-shortcuts-dialog]"); }
  function off() {
    try { return window.localStorage.getItem(STORE) === "1"; } catch (e) { return false; }
  }
  function typing(target) {
    if (!target || target === document.body) { return false; }
    if (target.isContentEditable) { return true; }
    return /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }
  function title(item) {
    var link = item.querySelector("[data-shortcuts-open]");
    return link ? link.textContent.trim() : "";
  }
  function say(text) {
    var status = document.querySelector("[data-shortcuts-status]");
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  function itemOf(element) {
    var item = element && element.closest ? element.closest("[data-shortcuts-item]") : null;
    if (item) { return item; }
    return current && document.contains(current) ? current : null;
  }
  function mark(item) {
    items().forEach(function (each) { each.classList.toggle("shortcuts-current", each === item); });
    current = item;
  }
  function reveal(element) {
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  function disarm() {
    if (!armed) { return; }
    var button = armed.item.querySelector("[data-shortcuts-changes]");
    if (button) { button.classList.remove("shortcuts-armed"); }
    armed = null;
  }

  function move(step, from) {
    var all = items();
    if (!all.length) { return; }
    var at = all.indexOf(itemOf(from));
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
    var item = all[next];
    var link = item.querySelector("[data-shortcuts-open]") || item;
    disarm();
    mark(item);
    reveal(link);
  }

  function approve(item) {
    var button = item.querySelector("[data-shortcuts-approve]");
    if (!button) { say(fmt(gettext("“%(title)s” is not waiting for your decision."), item)); return; }
    disarm();
    mark(item);
    reveal(button);
    say(fmt(gettext("Approve “%(title)s”? Press Enter to approve, Escape to go back."), item));
  }

  function requestChanges(item) {
    var button = item.querySelector("[data-shortcuts-changes]");
    if (!button) { say(fmt(gettext("“%(title)s” is not waiting for your decision."), item)); return; }
    var note = item.querySelector("[data-shortcuts-note]");
    disarm();
    mark(item);
    if (note) {
      armed = { item: item, note: note };
      button.classList.add("shortcuts-armed");
      reveal(note);
      say(fmt(gettext("Say what to change in “%(title)s”, then press Enter to request changes. Escape goes back."), item));
    } else {
      reveal(button);
      say(fmt(gettext("Request changes to “%(title)s”? Press Enter to send, Escape to go back."), item));
    }
  }

  function openDialog() {
    var box = dialog();
    if (!box || box.open) { return; }
    box.mrmReturnTo = document.activeElement;
    box.showModal();
  }

  function back(item) {
    disarm();
    var link = item.querySelector("[data-shortcuts-open]");
    if (link) { reveal(link); }
    say("");
  }

  document.addEventListener("keydown", function (event) {
    if (!list() || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    var target = event.target;
    var box = dialog();
    if (box && box.open) { return; } // the dialog is modal: Escape closes it (native)
    // Enter in the note reached with r requests changes; Shift+Enter is a new line of a text area.
    if (armed && target === armed.note && event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      var form = armed.note.form;
      var button = armed.item.querySelector("[data-shortcuts-changes]");
      disarm();
      if (form && button) { button.click(); }
      return;
    }
    if (event.key === "Escape") {
      var item = itemOf(target);
      if (item && (armed || target.matches("[data-shortcuts-approve], [data-shortcuts-changes], [data-shortcuts-note]"))) {
        event.preventDefault();
        back(item);
      }
      return;
    }
    // a note of a decision form: Enter never approves by accident (the form's first button)
    if (target.matches && target.matches("input[data-shortcuts-note]") && event.key === "Enter") {
      event.preventDefault();
      say(gettext("Choose Approve or Request changes with Tab, or press Escape and then r to request changes."));
      return;
    }
    if (typing(target) || off()) { return; }
    var question = event.key === "?" || (event.shiftKey && event.code === "Slash");
    if (question) { event.preventDefault(); openDialog(); return; }
    if (event.shiftKey) { return; }
    var code = event.code;
    var key = (event.key || "").toLowerCase();
    if (key === "j" || code === "KeyJ") { event.preventDefault(); move(1, target); return; }
    if (key === "k" || code === "KeyK") { event.preventDefault(); move(-1, target); return; }
    var here = itemOf(target);
    if (!here) { return; }
    if (key === "a" || code === "KeyA") { event.preventDefault(); approve(here); return; }
    if (key === "r" || code === "KeyR") { event.preventDefault(); requestChanges(here); return; }
    if (event.key === "Enter" && !target.closest("a, button, summary, [role=button]")) {
      var link = here.querySelector("[data-shortcuts-open]");
      if (link) { event.preventDefault(); link.click(); }
    }
  }, true);

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcuts-help]")) { event.preventDefault(); openDialog(); return; }
    var box = dialog();
    if (box && event.target.closest("[data-shortcuts-close]")) { box.close(); }
  });

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-shortcuts-toggle]")) { return; }
    try { window.localStorage.setItem(STORE, event.target.checked ? "0" : "1"); } catch (e) { /* private mode */ }
  });

  document.addEventListener("close", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-shortcuts-dialog]")) { return; }
    var to = box.mrmReturnTo;
    if (to && document.contains(to) && to !== document.body) { to.focus(); }
  }, true);

  // An item decided from the inbox is swapped by htmx: the focus comes back to it, so j/k go on from there.
  document.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.detail && event.detail.elt;
    if (!swapped || !current || !swapped.matches || !swapped.matches("[data-shortcuts-item]")) { return; }
    if (document.contains(current) && current !== swapped) { return; }
    mark(swapped);
    var link = swapped.querySelector("[data-shortcuts-open]");
    if (link) { link.focus({ preventScroll: true }); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-shortcuts-toggle]");
    if (toggle) { toggle.checked = !off(); }
  });
}());
