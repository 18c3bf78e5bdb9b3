// The page's charts (Apache ECharts, vendored in /static/vendor/echarts): the headline ratios of the areas
// below against the norm, the map of the area tree (a treemap sized by households, coloured by the
// score), the trend over twelve month-ends, and the cases of each community. Loaded before app.js; its
// functions read app.js's helpers (t, pick, percent) when they are called.
"use strict";

// One colour scale for the tiles, the bars and the map: bands that tell 70% from 89% at a glance.
const BANDS = [
  { min: 0.95, colour: "#1a9850", ink: "#fff", label: "≥ 95%" },
  { min: 0.9, colour: "#91cf60", ink: "#1f2329", label: "90–95%" },
  { min: 0.8, colour: "#fee08b", ink: "#1f2329", label: "80–90%" },
  { min: 0.6, colour: "#fc8d59", ink: "#1f2329", label: "60–80%" },
  { min: 0, colour: "#d73027", ink: "#fff", label: "< 60%" },
];
const NO_VALUE = { colour: "#e5e6eb", ink: "#646a73" };
const band = (value) => (value === null || value === undefined ? NO_VALUE : BANDS.find((b) => value >= b.min) || BANDS[BANDS.length - 1]);

// The legend of the scale, lowest band first, with "no value".
function scaleLegend() {
  const swatch = (b, label) => el("span", { className: "swatch" }, el("i", { style: `background:${b.colour}` }), label);
  return [el("span", { className: "muted", textContent: t("legend") }),
    ...[...BANDS].reverse().map((b) => swatch(b, b.label)), swatch(NO_VALUE, t("no_value"))];
}

const CHART_FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", system-ui, sans-serif';

// The chart drawn in the element ``id`` (made once); ``drawn`` is set on the element when it has rendered.
function chartIn(id) {
  const box = $(id);
  const chart = echarts.getInstanceByDom(box) || echarts.init(box, null, { renderer: "canvas" });
  if (!box.dataset.watched) {
    box.dataset.watched = "1";
    chart.on("finished", () => { box.dataset.drawn = box.dataset.pending || "1"; });
  }
  return chart;
}

// Draw ``option`` afresh in the chart of ``id``; ``mark`` says what is drawn (the tests and benchmarks wait for it).
function drawChart(id, option, mark) {
  const chart = chartIn(id);
  const box = $(id);
  if (chart.getWidth() !== box.clientWidth || chart.getHeight() !== box.clientHeight) chart.resize();  // made while hidden
  box.dataset.pending = mark;
  delete box.dataset.drawn;
  chart.setOption({ textStyle: { fontFamily: CHART_FONT }, animationDuration: 0, animationDurationUpdate: 0, ...option }, true);
  return chart;
}

// The charts within ``root`` fitted to their boxes: on a resized window, and on a tab shown (a chart
// drawn while its tab was hidden has no size).
function fitCharts(root = document) {
  for (const box of root.querySelectorAll(".chart")) {
    const chart = echarts.getInstanceByDom(box);
    if (chart) chart.resize();
  }
}
window.addEventListener("resize", () => fitCharts());

const asPercent = (value) => (value === null || value === undefined ? null : Math.round(value * 1000) / 10);

// -- the areas below against the norm ----------------------------------------------------------------

// Bars of ``areas`` (each {name, code, value}) for the measure named ``title``, the norm as a line.
function drawBars(areas, title, norm, open) {
  const sorted = [...areas].sort((a, b) => (a.value ?? 2) - (b.value ?? 2));
  const chart = drawChart("chart-bars", {
    title: { text: title, left: 0, textStyle: { fontSize: 13, fontWeight: 600 } },
    grid: { left: 48, right: 16, top: 48, bottom: sorted.length > 6 ? 72 : 36 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
      formatter: (items) => items.map((i) => `${i.name}<br>${title}: ${percent(sorted[i.dataIndex].value)}`).join("") },
    xAxis: { type: "category", data: sorted.map((a) => a.name || a.code), axisLabel: { rotate: sorted.length > 6 ? 35 : 0, interval: 0, fontSize: 11 } },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{
      type: "bar", barMaxWidth: 36,
      data: sorted.map((a) => ({ value: asPercent(a.value), itemStyle: { color: band(a.value).colour } })),
      markLine: norm === null || norm === undefined ? undefined : {
        symbol: "none", lineStyle: { color: "#b71c1c", type: "dashed" },
        label: { formatter: `${t("norm")} ${percent(norm)}`, position: "insideEndTop", color: "#b71c1c" },
        data: [{ yAxis: asPercent(norm) }],
      },
    }],
  }, `bars:${title}:${sorted.length}`);
  chart.off("click");
  chart.on("click", (e) => open(sorted[e.dataIndex]));
}

// -- the map of the area tree ------------------------------------------------------------------------

// A treemap node of an area: sized by households, coloured by its score; its children below it.
function mapNode(area, children) {
  const b = band(area.value);
  return {
    id: area.code, name: area.name || area.code, value: Math.max(area.households || 0, 0), code: area.code, kind: area.kind,
    score: area.value, findings: area.findings, households: area.households,
    itemStyle: { color: b.colour, borderColor: "#fff" }, label: { color: b.ink },
    ...(children && children.length ? { children } : {}),
  };
}

// The treemap of ``tree`` (mapNode's), drilled into on click: one level at a time, the breadcrumb to climb
// back. ``more(node)`` fetches a node's children when it has none yet (a community's grids), or null.
function drawMap(name, tree, more, open) {
  const option = {
    tooltip: {
      formatter: (info) => {
        const d = info.data || {};
        return [`<b>${info.name}</b>`, `${t("col_score")}: ${percent(d.score ?? null)}`,
          `${d.households ?? 0} ${t("households")} · ${d.findings ?? 0} ${t("findings")}`].join("<br>");
      },
    },
    series: [{
      type: "treemap", name, data: tree, roam: false, nodeClick: false, squareRatio: 1.2,
      top: 8, left: 4, right: 4, bottom: 28, animationDurationUpdate: 120,
      breadcrumb: {
        show: true, bottom: 2, height: 20, itemStyle: { color: "#646a73", textStyle: { color: "#fff" } },
        emphasis: { itemStyle: { color: "#1456f0", textStyle: { color: "#fff" } } },
      },
      label: { show: true, formatter: (info) => `${info.name}\n${percent(info.data.score ?? null)}`, fontSize: 12, lineHeight: 16 },
      upperLabel: { show: true, height: 20, color: "#1f2329", formatter: (info) => `${info.name} · ${percent(info.data.score ?? null)}` },
      levels: [
        { upperLabel: { show: false }, itemStyle: { borderColor: "#fff", borderWidth: 0, gapWidth: 2 } },
        { itemStyle: { borderColor: "#fff", borderWidth: 2, gapWidth: 2 } },
        { itemStyle: { borderColor: "#fff", borderWidth: 1, gapWidth: 1 } },
      ],
    }],
  };
  const chart = drawChart("chart-map", option, `map:${tree.length}`);
  const find = (nodes, code) => {
    for (const n of nodes) { const hit = n.code === code ? n : find(n.children || [], code); if (hit) return hit; }
    return null;
  };
  // Into the area ``code`` on the map: its children fetched first when it has none yet (a community's grids).
  const zoomInto = async (code) => {
    const node = find(tree, code);
    if (!node) return;
    const box = $("chart-map");
    box.dataset.pending = `map:${code}`;
    delete box.dataset.drawn;
    if (!node.children && more) {
      const children = await more(node);
      if (children && children.length) {
        node.children = children;
        chart.setOption({ series: [{ data: tree }] });
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));  // the new tree laid out first
      }
    }
    if (node.children) chart.dispatchAction({ type: "treemapRootToNode", targetNodeId: code });
    else box.dataset.drawn = box.dataset.pending;  // a leaf: nothing below it to show
  };
  $("chart-map").zoomInto = zoomInto;  // for the page's tests and benchmarks
  chart.off("click");
  chart.on("click", (e) => { if (e.data && e.data.code) zoomInto(e.data.code); });
  chart.off("dblclick");
  chart.on("dblclick", (e) => { if (e.data && e.data.code) open(e.data); });
}

// -- the trend over twelve month-ends ------------------------------------------------------------------

function drawTrend(trend, chosen) {
  const names = Object.keys(trend.ratio_names);
  const label = (name) => pick(trend.ratio_names[name].zh, trend.ratio_names[name].en);
  const selected = Object.fromEntries(names.map((n) => [label(n), chosen ? n === chosen : n in trend.ratio_norms]));
  drawChart("chart-trend", {
    tooltip: { trigger: "axis", valueFormatter: (v) => (v === null || v === undefined ? "—" : `${v}%`) },
    legend: { type: "scroll", top: 0, selected },
    grid: { left: 48, right: 24, top: 40, bottom: 28 },
    xAxis: { type: "category", data: trend.days.map((d) => d.slice(0, 7)), boundaryGap: false },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: names.map((name) => ({
      name: label(name), type: "line", smooth: false, symbolSize: 5, connectNulls: false,
      data: trend.series[name].map((point) => (point ? asPercent(point.value) : null)),
    })),
  }, `trend:${trend.scope}`);
}

// -- cases per community ------------------------------------------------------------------------------

function drawCases(rows, rateName) {
  drawChart("chart-cases", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 40, right: 48, top: 32, bottom: rows.length > 6 ? 72 : 32 },
    xAxis: { type: "category", data: rows.map((c) => c.name || c.community), axisLabel: { rotate: rows.length > 6 ? 35 : 0, interval: 0, fontSize: 11 } },
    yAxis: [
      { type: "value", minInterval: 1, name: t("cases_unit") },
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } },
    ],
    series: [
      { name: t("open_cases"), type: "bar", barMaxWidth: 28, itemStyle: { color: "#5b8ff9" }, data: rows.map((c) => c.open_now ?? 0) },
      { name: t("col_overdue_now"), type: "bar", barMaxWidth: 28, itemStyle: { color: "#d73027" }, data: rows.map((c) => c.overdue_now) },
      { name: rateName, type: "line", yAxisIndex: 1, itemStyle: { color: "#1a9850" }, data: rows.map((c) => asPercent(c.rates.response)) },
    ],
  }, `cases:${rows.length}`);
}
