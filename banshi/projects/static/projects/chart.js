// The project page's progress chart, drawn with ECharts from the json_script the page holds (no inline
// script: the CSP forbids it). The progress over time as a line, the yearly stage targets as points.
(function () {
  "use strict";

  function draw(el) {
    if (typeof window.echarts === "undefined") return;
    var source = document.getElementById(el.dataset.chartScript);
    if (!source) return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 32, bottom: 32 },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "time" },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [
        { name: el.dataset.textProgress, type: "line", step: "end", data: data.progress || [] },
        { name: el.dataset.textStage, type: "scatter", symbolSize: 10, data: data.stages || [] },
      ],
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  function start() {
    document.querySelectorAll("[data-chart-script]").forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
