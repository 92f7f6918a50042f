// Helpers shared by every widget view. Prepended to each widget's ES module by
// lstm_widgets/_assets.py (a widget's module is loaded from a string, so it
// cannot import a sibling file).

/** Unique DOM id prefix: several widgets share a page, labels need unique ids. */
function uid(prefix) {
  window.__lstmWidgetCount = (window.__lstmWidgetCount || 0) + 1;
  return `${prefix}-${window.__lstmWidgetCount}`;
}

/** A number as the widgets print it everywhere: fixed decimals, no "-0.000". */
function fmt(x, digits = 3) {
  const s = Number(x).toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** Set a node's text only when it differs: a redraw then touches only what changed. */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** document.createElement with attributes, dataset entries and children. */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  // JupyterLab matches its keyboard shortcuts against the focused element (in
  // command mode, ArrowLeft on any focused element moves the cursor): this
  // attribute turns them off for our controls, so arrow keys move a slider.
  if (tag === "input") node.dataset.lmSuppressShortcuts = "true";
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "data") Object.assign(node.dataset, value);
    else if (key === "style") Object.assign(node.style, value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

/** An SVG element (for plots), same calling convention as h(). */
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

/**
 * A labelled range slider: a visible <label for>, a keyboard-operable
 * <input type="range"> and an <output> with the value as a number.
 * `format` turns the value into the text shown next to the slider.
 */
function slider({ id, label, min, max, step, value, color, data = {}, format = fmt, onInput }) {
  const input = h("input", { type: "range", id, min, max, step, value, data });
  const output = h("output", { for: id, class: "lstm-slider-value" }, format(value));
  if (color) input.style.accentColor = color;
  input.addEventListener("input", () => onInput(Number(input.value)));
  const wrap = h("div", { class: "lstm-slider" }, h("label", { for: id }, label), input, output);
  wrap.input = input;
  wrap.setValue = (v) => {
    // Only touch the input when the model moved it (e.g. from Python), so a
    // slider being dragged is never fought over.
    if (Number(input.value) !== v) input.value = v;
    setText(output, format(v));
  };
  return wrap;
}

/**
 * A horizontal bar for a value in [lo, hi], drawn from 0 (so negative values
 * grow to the left). The number is always printed next to it: colour is never
 * the only signal.
 */
function bar(lo, hi, color, data = {}) {
  const fill = h("span", { class: "lstm-bar-fill" });
  fill.style.background = color;
  const track = h("span", { class: "lstm-bar-track", "aria-hidden": "true" }, fill);
  const num = h("span", { class: "lstm-num", data });
  const node = h("span", { class: "lstm-bar" }, track, num);
  const zero = (0 - lo) / (hi - lo);
  track.style.setProperty("--zero", `${100 * zero}%`); // where the zero line is drawn
  let shown = null;
  node.set = (v) => {
    if (v === shown) return; // unchanged: no style or layout work (a slider step changes few bars)
    shown = v;
    const at = (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo);
    fill.style.left = `${100 * Math.min(zero, at)}%`;
    fill.style.width = `${100 * Math.abs(at - zero)}%`;
    num.textContent = fmt(v);
  };
  return node;
}

/**
 * Run a slider's update and record its script time (Performance API), so the
 * browser test can report per-update cost: kept on the widget's root element
 * and in window.__lstmWidgetTimings.
 */
function timed(root, fn) {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  root.dataset.lastUpdateMs = ms.toFixed(3);
  (window.__lstmWidgetTimings = window.__lstmWidgetTimings || []).push({
    widget: root.dataset.widget,
    ms,
  });
}

/** Index of the grid point nearest to v (grids are sorted, evenly spaced). */
function nearestIndex(grid, v) {
  let best = 0;
  for (let k = 1; k < grid.length; k++) {
    if (Math.abs(grid[k] - v) < Math.abs(grid[best] - v)) best = k;
  }
  return best;
}

/**
 * A small SVG line plot. x runs over 1..n (steps); y over [yMin, yMax], linear
 * or log10 (values given as they are; the plot takes the log). Returns
 * { node, line(key, values, color, label) } — line() creates or updates a series.
 */
function linePlot({ n, yMin, yMax, log = false, width = 640, height = 230, xLabel = "step t", yLabel = "",
                    yTicks = [], xTicks = [], labelledBy = "" }) {
  const m = { left: 60, right: 12, top: 10, bottom: 34 }; // left: room for "1e-36" and the axis label
  const pw = width - m.left - m.right, ph = height - m.top - m.bottom;
  const ty = (v) => (log ? Math.log10(Math.max(v, 10 ** yMin)) : v);
  const X = (k) => m.left + (n === 1 ? 0 : (k / (n - 1)) * pw); // k = 0..n-1
  const Y = (v) => m.top + ph - ((Math.min(Math.max(ty(v), yMin), yMax) - yMin) / (yMax - yMin)) * ph;
  // A chart is an image to assistive technology, named by the widget's caption and live summary.
  const node = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "lstm-plot", role: "img", "aria-labelledby": labelledBy });
  const grid = svg("g", {});
  for (const v of yTicks) {
    const y = m.top + ph - ((v - yMin) / (yMax - yMin)) * ph;
    grid.append(svg("line", { x1: m.left, x2: m.left + pw, y1: y, y2: y, class: v === 0 && !log ? "lstm-zero-line" : "lstm-grid" }));
    const text = svg("text", { x: m.left - 6, y: y + 4, "text-anchor": "end" });
    text.textContent = log ? `1e${v}` : String(v);
    grid.append(text);
  }
  for (const k of xTicks) { // k is a 1-based step
    const text = svg("text", { x: X(k - 1), y: m.top + ph + 14, "text-anchor": "middle" });
    text.textContent = String(k);
    grid.append(text);
  }
  const xl = svg("text", { x: m.left + pw / 2, y: height - 4, "text-anchor": "middle" });
  xl.textContent = xLabel;
  const yl = svg("text", { x: 12, y: m.top + ph / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${m.top + ph / 2})` });
  yl.textContent = yLabel;
  grid.append(svg("rect", { x: m.left, y: m.top, width: pw, height: ph, class: "lstm-frame" }), xl, yl);
  node.append(grid);
  const series = {};
  function line(key, values, color, { dash = "", width: w = 2.2 } = {}) {
    if (!series[key]) {
      series[key] = svg("polyline", { fill: "none", "stroke-width": w, "stroke-dasharray": dash,
                                      "stroke-linejoin": "round", class: `series-${key}` });
      series[key].style.stroke = color; // a style, so var(--lstm-*) works
      node.append(series[key]);
    }
    const points = values.map((v, k) => `${X(k).toFixed(1)},${Y(v).toFixed(1)}`).join(" ");
    if (series[key].getAttribute("points") !== points) series[key].setAttribute("points", points);
  }
  function marker(key, k, v, color) {
    if (!series[key]) { series[key] = svg("circle", { r: 4 }); series[key].style.fill = color; node.append(series[key]); }
    series[key].setAttribute("cx", X(k)); series[key].setAttribute("cy", Y(v));
  }
  function vline(key, k, color, label) {
    if (series[key]) return; // drawn once: it marks a fixed step
    {
      series[key] = svg("g", {}, svg("line", { "stroke-dasharray": "3 3" }), svg("text", { "text-anchor": "start" }));
      series[key].firstChild.style.stroke = color;
      node.insertBefore(series[key], grid.nextSibling);
    }
    const [ln, text] = series[key].children;
    for (const [a, b] of [["x1", X(k)], ["x2", X(k)], ["y1", m.top], ["y2", m.top + ph]]) ln.setAttribute(a, b);
    text.setAttribute("x", X(k) + 4); text.setAttribute("y", m.top + 12); text.textContent = label;
  }
  return { node, line, marker, vline, X, Y };
}

/**
 * A chart drawn at the width it is shown at, so its text stays 11 px on a phone
 * as on a laptop (a fixed viewBox would shrink it to half that). `build(width)`
 * returns a linePlot; `redraw(plot)` draws the current state into a new one.
 * Returns { node, plot() }.
 */
function fittedPlot(build, redraw) {
  const holder = h("div", { class: "lstm-plot-holder" });
  let plot = null, shown = 0;
  function fit(width) {
    const w = Math.round(Math.min(Math.max(width, 280), 760));
    if (plot && Math.abs(w - shown) < 16) return;
    shown = w;
    plot = build(w);
    holder.replaceChildren(plot.node);
    redraw(plot);
  }
  fit(640);
  if (window.ResizeObserver) {
    new ResizeObserver((entries) => { const w = entries[0].contentRect.width; if (w > 0) fit(w); }).observe(holder);
  }
  return { node: holder, plot: () => plot };
}

/**
 * A region that scrolls sideways when its content is wider than the widget (a
 * table on a phone): named, and focusable by keyboard exactly when it scrolls.
 */
function scrollRegion(label, ...children) {
  const node = h("div", { class: "lstm-scroll lstm-table-wrap", role: "region", "aria-label": label }, ...children);
  const check = () => {
    if (node.scrollWidth > node.clientWidth + 1) node.setAttribute("tabindex", "0");
    else node.removeAttribute("tabindex");
  };
  if (window.ResizeObserver) new ResizeObserver(check).observe(node);
  node.check = check;
  return node;
}

/** The widget's text alternative: one line that says what the view shows, announced politely. */
function liveSummary(id) {
  return h("p", { class: "lstm-summary", id, "aria-live": "polite", data: { q: "summary" } });
}
