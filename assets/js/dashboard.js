// Dashboard charts: each `[data-chart-option]` element holds an ECharts option
// built on the server (JSON in an attribute: the CSP allows no inline script).
// A click on a bar, point or slice opens the records behind it (`data[i].url`).
(function () {
  "use strict";
  function init() {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll("[data-chart-option]").forEach(function (el) {
      var option;
      try {
        option = JSON.parse(el.getAttribute("data-chart-option"));
      } catch (e) {
        return;
      }
      // Bars lying down (one row per org): tall enough for every name.
      var rows = option.yAxis && option.yAxis.type === "category" && option.yAxis.data;
      if (rows) el.style.height = Math.max(280, rows.length * 28 + 60) + "px";
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      chart.on("click", function (p) {
        var url = p && p.data && p.data.url;
        // Only our own pages: a server-built relative URL.
        if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
          window.location.href = url;
        }
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
