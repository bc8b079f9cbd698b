// Charts from data the page carries in <script type="application/json"> (CSP allows no inline
// script): <div data-chart="ID"> draws the series in #ID as a horizontal bar chart.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-chart]")) {
    const data = JSON.parse(document.getElementById(box.dataset.chart).textContent);
    const chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.labels, inverse: true,
               axisLabel: { width: 160, overflow: "truncate" } },
      series: [{ type: "bar", data: data.values, itemStyle: { color: "#b3261e" },
                 label: { show: true, position: "right" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
});
