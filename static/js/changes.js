// Change request form: show only the target selector of the chosen kind (PRODUCT.md §7).
// Without JavaScript every selector stays visible and the server uses the one of the chosen kind.
(function () {
  "use strict";

  function sync(form) {
    var checked = form.querySelector("input[data-kind-switch]:checked");
    var kind = checked ? checked.value : "";
    form.querySelectorAll("[data-kind]").forEach(function (block) {
      block.hidden = kind !== "" && block.getAttribute("data-kind") !== kind;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-testid='change-form']");
    if (!form) {
      return;
    }
    sync(form);
    form.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-kind-switch")) {
        sync(form);
      }
    });
  });
})();
