// "Ask a question": the link carries the page's title, so the question shows where it was asked.
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
  function init() {
    document.querySelectorAll("a[data-help-ask]").forEach(addTitle);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
