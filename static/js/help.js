// "Ask a question": the link carries the page's title, so the question shows where it was asked, and
// opens the form in a dialog (htmx) so the asker stays on the page. Without htmx it is a plain link.
(function () {
  "use strict";
  function addTitle(link) {
    var url = new URL(link.getAttribute("href"), window.location.href);
    var title = document.title.replace(/\s·\sMRM$/, "").trim();
    if (title && !url.searchParams.has("title")) {
      url.searchParams.set("title", title.slice(0, 200));
      link.setAttribute("href", url.pathname + url.search);
    }
  }
  function openDialog(event) {
    var dialog = document.getElementById("help-ask-dialog");
    if (!window.htmx || !dialog || typeof dialog.showModal !== "function") {
      return;
    }
    event.preventDefault();
    window.htmx
      .ajax("GET", event.currentTarget.getAttribute("href"), { target: "#help-ask-body", swap: "innerHTML" })
      .then(function () {
        dialog.showModal();
        var first = dialog.querySelector("[autofocus]");
        if (first) {
          first.focus();
        }
      });
  }
  function init() {
    document.querySelectorAll("a[data-help-ask]").forEach(function (link) {
      addTitle(link);
      link.addEventListener("click", openDialog);
    });
    var dialog = document.getElementById("help-ask-dialog");
    if (dialog) {
      dialog.addEventListener("click", function (event) {
        if (event.target.closest("[data-help-ask-close]")) {
          dialog.close();
        }
      });
      // after a swap inside the dialog (an error, or "sent"), keep the keyboard where the user is
      dialog.addEventListener("htmx:afterSwap", function () {
        var first = dialog.querySelector("[autofocus]");
        if (first) {
          first.focus();
        }
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
