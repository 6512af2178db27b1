// Profile page: copy the API token key shown once after it was issued.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var field = document.getElementById(button.dataset.copyTarget);
    if (!field) { return; }
    field.select();
    var done = function () {
      var original = button.textContent;
      button.textContent = button.dataset.copiedText || original;
      setTimeout(function () { button.textContent = original; }, 1500);
    };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
