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

/** document.createElement with attributes, dataset entries and children. */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
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
    output.textContent = format(v);
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
  node.set = (v) => {
    const zero = (0 - lo) / (hi - lo);
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
