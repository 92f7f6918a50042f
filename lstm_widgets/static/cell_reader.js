// CellReader view: a text coloured by one cell's tanh(C_t), and every gate at the chosen character.
// The numbers were computed in Python by lstm_ref.char_model.run (the trained model reading this
// text); the view only looks them up, so it needs no kernel.

const DETAIL = [
  ["c", "C<sub>t</sub> cell", "--lstm-cell", -3, 3], ["f", "f<sub>t</sub> forget", "--lstm-forget", 0, 1],
  ["i", "i<sub>t</sub> input", "--lstm-input", 0, 1], ["c_tilde", "C̃<sub>t</sub> candidate", "--lstm-candidate", -1, 1],
  ["o", "o<sub>t</sub> output", "--lstm-output", 0, 1], ["h", "h<sub>t</sub> hidden", "--lstm-hidden", -1, 1],
];
const POSITIVE = "var(--lstm-cell)", NEGATIVE = "var(--lstm-input)";
const MAX_MIX = 50; // % of colour at |tanh C| = 1: text contrast stays above 4.5:1 in light and dark mode

/** How a character is shown: a newline as a visible ↵ (then the real line break), a space as itself. */
function glyph(ch) { return ch === "\n" ? "↵\n" : ch; }
function spoken(ch) { return ch === "\n" ? "newline" : ch === " " ? "space" : `“${ch}”`; }

function render({ model, el }) {
  const id = uid("lstm-cr");
  const text = model.get("text"), traces = model.get("traces"), labels = model.get("cell_labels");
  const ids = model.get("cell_ids");
  const root = h("div", { class: "lstm-widget lstm-cr", data: { widget: "CellReader" } });

  // line and column of every character, for the summary and for Up/Down
  const lineStart = [], lineOf = [];
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    lineStart.push(start); lineOf.push(k === 0 ? 0 : lineOf[k - 1] + (text[k - 1] === "\n" ? 1 : 0));
    if (text[k] === "\n") start = k + 1;
  }
  const starts = [...new Set(lineStart)];

  // ---- controls: which cell, which character
  const select = h("select", { id: `${id}-cell`, data: { q: "cell" } },
    labels.map((label, k) => h("option", { value: k }, label)));
  select.addEventListener("change", () => timed(root, () => { model.set("cell", Number(select.value)); model.save_changes(); }));
  const cellPicker = h("div", { class: "lstm-cr-pick" }, h("label", { for: select.id }, "Cell"), select);
  const charSlider = slider({
    id: `${id}-pos`, label: "character", min: 1, max: text.length, step: 1, value: model.get("position") + 1,
    color: "var(--lstm-hidden)", data: { q: "position" }, format: (v) => `${v} / ${text.length}`,
    onInput: (v) => moveTo(v - 1),
  });

  // ---- the text: one span per character, in ONE focusable box (arrow keys move; not 500 tab stops)
  const spans = [];
  const pre = h("pre", {
    class: "lstm-cr-text", tabindex: "0", role: "group", id: `${id}-text`,
    "aria-label": "The text, coloured by the chosen cell. Arrow keys move the character; Up and Down move a line; Home and End go to the line's ends.",
  });
  for (let k = 0; k < text.length; k++) {
    const span = h("span", { data: { k } }, glyph(text[k]));
    spans.push(span);
    pre.append(span);
  }
  pre.addEventListener("mouseover", (e) => { const k = e.target.dataset?.k; if (k !== undefined) moveTo(Number(k)); });
  pre.addEventListener("click", (e) => { const k = e.target.dataset?.k; if (k !== undefined) { moveTo(Number(k)); pre.focus(); } });
  pre.addEventListener("keydown", (e) => {
    const k = model.get("position"), col = k - lineStart[k], line = lineOf[k];
    const onLine = (l) => { const s = starts[l]; const end = l + 1 < starts.length ? starts[l + 1] - 1 : text.length - 1; return Math.min(s + col, end); };
    const moves = {
      ArrowLeft: k - 1, ArrowRight: k + 1, Home: lineStart[k],
      End: line + 1 < starts.length ? starts[line + 1] - 1 : text.length - 1,
      ArrowUp: line > 0 ? onLine(line - 1) : k, ArrowDown: line + 1 < starts.length ? onLine(line + 1) : k,
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    moveTo(Math.min(Math.max(moves[e.key], 0), text.length - 1));
  });

  // ---- the detail at the chosen character, and a spoken summary
  const bars = {};
  const rows = DETAIL.map(([q, label, color, lo, hi]) => {
    bars[q] = bar(lo, hi, `var(${color})`, { q: `detail-${q}` });
    const th = h("th", { scope: "row" });
    th.innerHTML = label;
    return h("tr", {}, th, h("td", {}, bars[q]));
  });
  const heading = h("p", { class: "lstm-readout" });
  const detail = h("table", { class: "lstm-cr-detail" }, h("tbody", {}, rows));
  const summary = h("p", { class: "lstm-cr-summary", "aria-live": "polite", data: { q: "summary" } });
  const legend = h("div", { class: "lstm-legend lstm-cr-legend", "aria-hidden": "true" },
    h("span", {}, "tanh(C", h("sub", {}, "t"), "):"),
    ...[-1, -0.5, 0, 0.5, 1].map((v) => h("span", { class: "lstm-cr-key", style: { background: shade(v) } }, fmt(v, 1))));

  const help = h("p", { class: "lstm-help" });
  help.innerHTML = "The trained model reads this code from its first character. Each character is shaded by the " +
    "chosen cell's tanh(C<sub>t</sub>) right after reading it: orange above 0, blue below 0, stronger further from 0. " +
    "Point at a character, or focus the text and use the arrow keys, to see every gate of that cell there.";
  root.append(h("h4", {}, "One cell of the trained LSTM, character by character"), help,
    h("div", { class: "lstm-cr-controls" }, cellPicker, charSlider), legend, pre,
    h("div", { class: "lstm-cr-below" }, h("div", {}, heading, detail)), summary);
  el.append(root);

  function shade(v) {
    const pct = Math.round(Math.min(Math.abs(v), 1) * MAX_MIX);
    return `color-mix(in srgb, ${v >= 0 ? POSITIVE : NEGATIVE} ${pct}%, var(--lstm-cr-bg))`;
  }
  function moveTo(k) {
    if (k === model.get("position")) return;
    timed(root, () => { model.set("position", k); model.save_changes(); });
  }

  let paintedCell = -1, current = null;
  function draw() {
    const c = model.get("cell"), k = model.get("position"), trace = traces[c];
    if (c !== paintedCell) { // recolour the whole text only when the cell changes
      for (let j = 0; j < spans.length; j++) spans[j].style.background = shade(Math.tanh(trace.c[j]));
      select.value = String(c);
      paintedCell = c;
    }
    if (current) current.classList.remove("is-current");
    current = spans[k];
    current.classList.add("is-current");
    charSlider.setValue(k + 1);
    for (const [q] of DETAIL) bars[q].set(trace[q][k]);
    const line = lineOf[k] + 1, col = k - lineStart[k] + 1;
    heading.replaceChildren(h("b", {}, `Cell ${ids[c]} after ${spoken(text[k])}`), ` (line ${line}, column ${col}): `,
      "tanh(C", h("sub", {}, "t"), ") = ", h("span", { class: "lstm-num", data: { q: "tanh-c" } }, fmt(Math.tanh(trace.c[k]))));
    summary.textContent = `Cell ${ids[c]}, character ${k + 1} of ${text.length}, ${spoken(text[k])}, line ${line}, column ${col}: ` +
      `tanh(C) ${fmt(Math.tanh(trace.c[k]))}, forget ${fmt(trace.f[k])}, input ${fmt(trace.i[k])}, ` +
      `candidate ${fmt(trace.c_tilde[k])}, output ${fmt(trace.o[k])}, hidden ${fmt(trace.h[k])}.`;
    // keep the character in view inside the text box (the page itself does not scroll)
    const box = pre.getBoundingClientRect(), r = current.getBoundingClientRect();
    if (r.left < box.left || r.right > box.right) pre.scrollLeft += r.left - box.left - box.width / 2;
    if (r.top < box.top || r.bottom > box.bottom) pre.scrollTop += r.top - box.top - box.height / 2;
  }
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
