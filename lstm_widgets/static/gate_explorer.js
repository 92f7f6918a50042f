// GateExplorer view: one LSTM step, C_{t-1} -> x f -> + i*C~ -> C_t -> tanh -> x o -> h_t.
// Redoes the step's pointwise operations (sigmoid, f*c + i*c~, o*tanh(c)) so it
// responds with no kernel; tests hold these numbers to lstm_ref's.

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

// Slider rows: model trait, label, range, colour variable.
const ROWS = [
  { q: "c_prev", label: "C<sub>t−1</sub>", text: "C_{t-1}", min: -2, max: 2, step: 0.01, color: "--lstm-cell" },
  { q: "f", label: "f<sub>t</sub>", text: "f_t", min: 0, max: 1, step: 0.01, color: "--lstm-forget", z: "z_f" },
  { q: "i", label: "i<sub>t</sub>", text: "i_t", min: 0, max: 1, step: 0.01, color: "--lstm-input", z: "z_i" },
  { q: "c_tilde", label: "C̃<sub>t</sub>", text: "C~_t", min: -1, max: 1, step: 0.01, color: "--lstm-candidate" },
  { q: "o", label: "o<sub>t</sub>", text: "o_t", min: 0, max: 1, step: 0.01, color: "--lstm-output", z: "z_o" },
];
const Z_RANGE = { min: -6, max: 6, step: 0.1 };

const C0 = "C<sub>t−1</sub>", C1 = "C<sub>t</sub>";
const HELP = {
  all: `Move any slider. The table follows one step of the cell, left to right: the old memory ${C0} is scaled by the forget gate, the input gate's share of the candidate is added, and the output gate decides how much of tanh(${C1}) leaves as h<sub>t</sub>.`,
  cell: `The cell state runs straight through the step: it changes only by a multiplication (× f) and an addition (+ i·C̃). Set f = 1 and i = 0: ${C1} equals ${C0} exactly.`,
  forget: `Move the forget gate f<sub>t</sub>: near 1 keeps that component of ${C0}, near 0 erases it.`,
  input: `Move the input gate i<sub>t</sub> and the candidate C̃<sub>t</sub>: the gate decides how much of each candidate value is written into the cell.`,
  update: `${C1} = f<sub>t</sub>·${C0} + i<sub>t</sub>·C̃<sub>t</sub>: each component's old value shrinks by f and grows by i·C̃.`,
  output: `Move the output gate o<sub>t</sub>: the cell keeps its value, but only the share o<sub>t</sub> of tanh(${C1}) leaves as h<sub>t</sub>.`,
};

// Columns that each focus highlights (match the class names below).
const FOCUS_COLUMNS = {
  all: [], cell: ["col-c_prev", "col-c"], forget: ["col-f", "col-kept"],
  input: ["col-write"], update: ["col-kept", "col-write", "col-c"], output: ["col-o", "col-h"],
};
const FOCUS_ROWS = { all: [], cell: ["c_prev"], forget: ["f"], input: ["i", "c_tilde"], update: [], output: ["o"] };

function render({ model, el }) {
  const id = uid("lstm-gate");
  const n = model.get("c_prev").length;
  const root = h("div", { class: "lstm-widget lstm-gate-explorer", data: { widget: "GateExplorer" } });
  const focus = model.get("focus");
  root.classList.add(`focus-${focus}`);

  // ---- state: read, recompute one step, write back (the view's only arithmetic)
  const read = () => Object.fromEntries(
    ["c_prev", "f", "i", "c_tilde", "o", "z_f", "z_i", "z_o"].map((k) => [k, model.get(k).slice()]));
  function step(s) {
    if (model.get("preactivation")) for (const g of ["f", "i", "o"]) s[g] = s["z_" + g].map(sigmoid);
    s.c = s.c_prev.map((cp, k) => s.f[k] * cp + s.i[k] * s.c_tilde[k]);
    s.h = s.c.map((c, k) => s.o[k] * Math.tanh(c));
    model.set(s); // one set: one "change" event, one redraw
    model.save_changes();
  }

  // ---- controls
  const modeBox = h("input", { type: "checkbox", id: `${id}-mode` });
  modeBox.checked = model.get("preactivation");
  modeBox.addEventListener("change", () => timed(root, () => {
    model.set("preactivation", modeBox.checked);
    const s = read();
    if (modeBox.checked) {
      // Start each pre-activation where its gate is now: z = logit(g), on the slider grid.
      for (const g of ["f", "i", "o"]) {
        s["z_" + g] = s[g].map((v) => {
          const z = Math.log(Math.max(v, 1e-4) / Math.max(1 - v, 1e-4));
          return Math.round(Math.min(Math.max(z, Z_RANGE.min), Z_RANGE.max) / Z_RANGE.step) * Z_RANGE.step;
        }).map((z) => Number(z.toFixed(1)));
      }
    }
    step(s);
    buildSliders();
  }));
  const mode = h("label", { class: "lstm-toggle", for: `${id}-mode` }, modeBox,
    h("span", {}, "Pre-activation mode: the gate sliders set z = W·[h", h("sub", {}, "t−1"), ", x", h("sub", {}, "t"),
      "] + b, and each gate is σ(z)"));

  const sliderGrid = h("div", { class: "lstm-gate-sliders" });
  const sliders = {}; // "q:k" -> slider
  let told = 0; // the component the summary line speaks of: the last one moved
  function buildSliders() {
    sliderGrid.replaceChildren();
    const pre = model.get("preactivation");
    for (const row of ROWS) {
      const q = pre && row.z ? row.z : row.q;
      const range = pre && row.z ? Z_RANGE : row;
      for (let k = 0; k < n; k++) {
        const sid = `${id}-${q}-${k}`;
        const name = pre && row.z ? `z<sub>${row.q}</sub>[${k + 1}]` : `${row.label}[${k + 1}]`;
        const label = h("span", {});
        label.innerHTML = name;
        const s = slider({
          id: sid, label, min: range.min, max: range.max, step: range.step,
          value: model.get(q)[k], color: `var(${row.color})`, data: { q, k },
          format: pre && row.z ? (v) => fmt(v, 1) : (v) => fmt(v, 2),
          onInput: (v) => timed(root, () => { told = k; const st = read(); st[q][k] = v; step(st); }),
        });
        s.classList.add(`row-${row.q}`);
        if ((FOCUS_ROWS[focus] || []).includes(row.q)) s.classList.add("focus");
        sliders[`${q}:${k}`] = s;
        sliderGrid.append(s);
      }
    }
    sliderGrid.style.setProperty("--lstm-components", n);
  }

  // ---- the step as a table: one row per component, columns follow the flow
  const COLS = [
    ["col-c_prev", "C<sub>t−1</sub>"], ["col-f", "× f<sub>t</sub>"], ["col-kept", "= f·C<sub>t−1</sub>"],
    ["col-write", "+ i<sub>t</sub>·C̃<sub>t</sub>"], ["col-c", "= C<sub>t</sub>"],
    ["col-o", "× o<sub>t</sub>"], ["col-h", "= h<sub>t</sub>"],
  ];
  const table = h("table", { class: "lstm-flow" });
  const headRow = h("tr", {}, h("th", { scope: "col" }, "k"));
  for (const [cls, html] of COLS) {
    const th = h("th", { scope: "col", class: cls });
    th.innerHTML = html;
    headRow.append(th);
  }
  table.append(h("thead", {}, headRow));
  const body = h("tbody");
  const cells = [];
  const cvar = (name) => `var(${name})`;
  for (let k = 0; k < n; k++) {
    const c = {
      // One scale for every cell-state column, so their bars compare; gates run 0..1.
      c_prev: bar(-3, 3, cvar("--lstm-cell"), { q: "c_prev", k }),
      f: bar(0, 1, cvar("--lstm-forget"), { q: "f", k }),
      kept: bar(-3, 3, cvar("--lstm-cell"), { q: "kept", k }),
      write: bar(-1, 1, cvar("--lstm-input"), { q: "write", k }),
      writeDetail: h("span", { class: "lstm-detail" }),
      c: bar(-3, 3, cvar("--lstm-cell"), { q: "c", k }),
      o: bar(0, 1, cvar("--lstm-output"), { q: "o", k }),
      oDetail: h("span", { class: "lstm-detail" }),
      h: bar(-1, 1, cvar("--lstm-hidden"), { q: "h", k }),
      what: h("span", { class: "lstm-what", data: { q: "what", k } }),
    };
    cells.push(c);
    body.append(h("tr", {},
      h("th", { scope: "row" }, String(k + 1)),
      h("td", { class: "col-c_prev" }, c.c_prev),
      h("td", { class: "col-f" }, c.f),
      h("td", { class: "col-kept" }, c.kept),
      h("td", { class: "col-write" }, c.write, c.writeDetail),
      h("td", { class: "col-c" }, c.c, c.what),
      h("td", { class: "col-o" }, c.o, c.oDetail),
      h("td", { class: "col-h" }, c.h)));
  }
  table.append(body);

  for (const cls of FOCUS_COLUMNS[focus] || []) table.querySelectorAll(`.${cls}`).forEach((n) => n.classList.add("focus"));

  const title = h("h4", {}, "Gate explorer: one step of an LSTM cell");
  const help = h("p", { class: "lstm-help" });
  help.innerHTML = HELP[focus] || HELP.all;
  const legend = h("div", { class: "lstm-legend" },
    "Bars start at 0 (left = negative). “kept”: f ≥ 0.5; “erased”: f < 0.5; “written”: i ≥ 0.5 and |C̃| ≥ 0.1.");
  const summary = liveSummary(`${id}-summary`);
  const tableWrap = scrollRegion("One step of the cell, component by component (scrolls sideways)", table);
  root.append(title, help, mode, sliderGrid, summary, tableWrap, legend);
  el.append(root);

  // ---- draw the model's state (also runs when Python changes a trait in Jupyter)
  function draw() {
    const pre = model.get("preactivation");
    if (modeBox.checked !== pre) { modeBox.checked = pre; buildSliders(); }
    const s = read();
    const c = model.get("c"), hh = model.get("h");
    for (const row of ROWS) {
      const q = pre && row.z ? row.z : row.q;
      for (let k = 0; k < n; k++) sliders[`${q}:${k}`]?.setValue(s[q][k]);
    }
    for (let k = 0; k < n; k++) {
      const cell = cells[k];
      cell.c_prev.set(s.c_prev[k]);
      cell.f.set(s.f[k]);
      cell.kept.set(s.f[k] * s.c_prev[k]);
      cell.write.set(s.i[k] * s.c_tilde[k]);
      setText(cell.writeDetail, `${fmt(s.i[k], 2)}×${fmt(s.c_tilde[k], 2)}`);
      cell.c.set(c[k]);
      cell.o.set(s.o[k]);
      setText(cell.oDetail, `of tanh C: ${fmt(Math.tanh(c[k]), 2)}`);
      cell.h.set(hh[k]);
      const what = [s.f[k] >= 0.5 ? "kept" : "erased"];
      if (s.i[k] >= 0.5 && Math.abs(s.c_tilde[k]) >= 0.1) what.push("written");
      setText(cell.what, what.join(" + "));
      const cls = `lstm-what ${what.map((w) => "is-" + w).join(" ")}`;
      if (cell.what.className !== cls) cell.what.className = cls;
    }
    // The step in words, for the component last moved, with the numbers the table shows.
    const k = told, kept = cells[k].kept.textContent, write = cells[k].write.textContent;
    setText(summary, `C_t[${k + 1}] = ${cells[k].c.textContent}: the forget gate kept ${fmt(100 * s.f[k], 0)} % ` +
      `of ${cells[k].c_prev.textContent} (${kept}) and the input gate added ${fmt(s.i[k], 2)} × ${fmt(s.c_tilde[k], 2)} = ${write}; ` +
      `h_t[${k + 1}] = ${fmt(s.o[k], 2)} × tanh(C_t) = ${cells[k].h.textContent}.`);
  }
  buildSliders();
  draw();
  // "change" fires once per set(), however many traits it changed (from a slider or from Python).
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
