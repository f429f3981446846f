// The open numbers' charts: each `[data-chart]` element names the JSON block with its data (categories,
// series with translated names, nulls for masked cells), drawn with ECharts. The table below each chart
// holds the same numbers. Once drawn, the element carries data-drawn="1".
(function () {
  "use strict";

  function percent(kind) {
    return kind === "share";
  }

  function baseOption(data) {
    var shares = data.series.some(function (s) { return percent(s.kind); });
    return {
      animation: false,
      tooltip: { trigger: data.kind === "pie" ? "item" : "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", min: 0, max: shares ? 100 : null, axisLabel: { formatter: shares ? "{value}%" : "{value}" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: data.kind === "line" ? "line" : "bar", data: s.data, connectNulls: false };
      })
    };
  }

  function pieOption(data) {
    var s = data.series[0];
    return {
      animation: false,
      tooltip: { trigger: "item" },
      legend: { top: 0, type: "scroll" },
      series: [{
        name: s.name,
        type: "pie",
        radius: ["30%", "65%"],
        top: 30,
        // A masked slice ("< 5") is left out rather than drawn with a made-up size; the table shows it.
        data: data.categories
          .map(function (name, i) { return { name: name, value: s.data[i] }; })
          .filter(function (slice) { return slice.value !== null; })
      }]
    };
  }

  function mapOption(data) {
    var s = data.series[0];
    var values = s.data.filter(function (v) { return v !== null; });
    return {
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var v = p.data ? p.data.shown : "";
          return p.name + ": " + v;
        }
      },
      visualMap: { min: 0, max: Math.max(5, Math.max.apply(null, values.concat([0]))), left: 0, bottom: 0, calculable: false, text: [s.name, ""] },
      series: [{
        name: s.name,
        type: "map",
        map: "chongqing",
        roam: false,
        data: data.categories.map(function (name, i) {
          var v = s.data[i];
          return { name: name, value: v === null ? 0 : v, shown: v === null ? data.labels.masked : String(v) };
        })
      }]
    };
  }

  function draw(element, data, geo) {
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    var option;
    if (data.kind === "pie") {
      option = pieOption(data);
    } else if (data.kind === "map") {
      window.echarts.registerMap("chongqing", geo);
      option = mapOption(data);
    } else {
      option = baseOption(data);
    }
    var shown = data.series.some(function (s) { return s.data.some(function (v) { return v !== null && v !== 0; }); });
    if (data.empty || !shown) {
      // Nothing to draw (every count zero, or every cell masked): the chart says so rather than stay blank.
      var text = data.empty ? data.labels.nothing : data.labels.masked;
      option.title = { text: text, left: "center", top: "middle", textStyle: { fontSize: 14, color: "#666" } };
    }
    chart.on("finished", function () { element.setAttribute("data-drawn", "1"); });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    if (!window.echarts) {
      return;
    }
    var elements = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(elements, function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var data = JSON.parse(source.textContent);
      var geoUrl = element.getAttribute("data-geo");
      if (geoUrl) {
        fetch(geoUrl, { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (geo) { draw(element, data, geo); });
      } else {
        draw(element, data, null);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
