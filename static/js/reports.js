// Reports: draws every chart whose data sits in its canvas's data-chart attribute (JSON data, no inline
// code under the strict CSP; htmx swaps keep attributes), after page load and after swaps; copies share links.
(function () {
  "use strict";
  var PALETTE = ["#206bc4", "#2fb344", "#f76707", "#ae3ec9", "#d63939", "#17a2b8", "#f59f00", "#667382"];
  var lang = document.documentElement.lang || "en";

  function formatter(valueType) {
    if (valueType === "money") {
      var money = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
      return function (v) { return money.format(v); };
    }
    if (valueType === "percent") {
      return function (v) { return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v) + " %"; };
    }
    var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    return function (v) { return number.format(v); };
  }

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(canvas.getAttribute("data-chart") || "null");
    if (!spec) { return; }
    var stacked = spec.kind === "stacked_bar";
    var format = formatter(spec.value_type);
    var datasets = spec.datasets.map(function (d, i) {
      var colour = PALETTE[i % PALETTE.length];
      return { label: d.label, data: d.data, backgroundColor: colour, borderColor: colour };
    });
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: spec.kind === "line" ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, ticks: { precision: spec.value_type === "int" ? 0 : undefined, callback: function (v) { return format(v); } } }
        },
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + format(ctx.parsed.y); } } }
        }
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-report-chart]").forEach(draw);
  }

  // Printing: every chart's table is printed under its chart (a closed <details> would not print), and the
  // charts are redrawn to the paper's width; the tables close again afterwards as the reader left them.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details[data-picture-table]:not([open])").forEach(function (details) {
      details.open = true;
      openedForPrint.push(details);
    });
    resizeAll();
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) { details.open = false; });
    openedForPrint = [];
    resizeAll();
  });

  function resizeAll() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-report-chart]").forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) { chart.resize(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.detail.target); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) { return; }
    input.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value); }
  });
})();
