// MRM's own script: no inline scripts anywhere (strict Content-Security-Policy).
// Moves focus to swapped content announced by htmx so keyboard users follow.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.hasAttribute("data-focus-after-swap")) {
    target.focus();
  }
});
