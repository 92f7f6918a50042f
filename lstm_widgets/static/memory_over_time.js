// MemoryOverTime view: C_t over the whole sequence for the chosen gate biases.
// Every number comes from the table lstm_ref computed over the sliders' grid;
// the view only picks the row (no model in JavaScript).

function render({ model, el }) {
  const id = uid("lstm-memory");
  const fGrid = model.get("forget_biases"), iGrid = model.get("input_biases");
  const steps = model.get("inputs").length, fact = model.get("fact_step");
  const root = h("div", { class: "lstm-widget lstm-memory", data: { widget: "MemoryOverTime" } });

  function choose(name, v) { // a slider moved: look the trace up, hand it to the model
    const biases = { forget_bias: model.get("forget_bias"), input_bias: model.get("input_bias"), [name]: v };
    const r = nearestIndex(fGrid, biases.forget_bias) * iGrid.length + nearestIndex(iGrid, biases.input_bias);
    model.set({ ...biases, c: model.get("c_table").slice(r * steps, (r + 1) * steps),
                f: model.get("f_table")[r], i: model.get("i_table")[r] }); // one set: one redraw
    model.save_changes();
  }
  const fSlider = slider({
    id: `${id}-bf`, label: h("span", {}, "forget bias b", h("sub", {}, "f")), min: fGrid[0], max: fGrid[fGrid.length - 1],
    step: fGrid[1] - fGrid[0], value: model.get("forget_bias"), color: "var(--lstm-forget)",
    data: { q: "forget_bias" }, format: (v) => fmt(v, 1),
    onInput: (v) => timed(root, () => choose("forget_bias", v)),
  });
  const iSlider = slider({
    id: `${id}-bi`, label: h("span", {}, "input bias b", h("sub", {}, "i")), min: iGrid[0], max: iGrid[iGrid.length - 1],
    step: iGrid[1] - iGrid[0], value: model.get("input_bias"), color: "var(--lstm-input)",
    data: { q: "input_bias" }, format: (v) => fmt(v, 1),
    onInput: (v) => timed(root, () => choose("input_bias", v)),
  });

  const captionId = `${id}-caption`, summaryId = `${id}-summary`;
  const caption = h("p", { class: "lstm-help", id: captionId },
    `Line chart: the cell state C_t (orange, solid) over ${steps} steps, with the input values (grey, dotted); a fact is written at step ${fact + 1}.`);
  const chart = fittedPlot((width) => linePlot({
    n: steps, yMin: -1.2, yMax: 1.2, yLabel: "cell state C_t", yTicks: [-1, -0.5, 0, 0.5, 1], width,
    xTicks: [1, 10, 20, 30, 40, 50, 60].filter((k) => k <= steps), labelledBy: `${captionId} ${summaryId}`,
  }), (plot) => drawLines(plot));
  const summary = liveSummary(summaryId);

  const gates = h("div", { class: "lstm-readout" });
  const readout = h("div", { class: "lstm-readout lstm-memory-after" });
  const AFTER = [1, 10, 50].filter((d) => fact + d < steps);
  const cells = {};
  const num = (q) => (cells[q] = h("span", { class: "lstm-num", data: { q } }));
  gates.append("f", h("sub", {}, "t"), " = σ(b", h("sub", {}, "f"), ") = ", num("f"), " at every step;  i",
    h("sub", {}, "t"), " at the fact = ", num("i"), ".");
  readout.append(h("b", {}, "C after the fact: "));
  for (const d of AFTER) readout.append(` ${d} step${d > 1 ? "s" : ""} later `, num(`after-${d}`), " ·");
  readout.lastChild.remove?.();

  const legend = h("div", { class: "lstm-legend" },
    h("span", {}, h("span", { class: "lstm-swatch", style: { background: "var(--lstm-cell)" } }), "C", h("sub", {}, "t"), " (cell state, solid)"),
    h("span", {}, h("span", { class: "lstm-swatch lstm-dash" }), "input value x", h("sub", {}, "t"), " (dotted: the fact, then small distractors)"));

  root.append(
    h("h4", {}, "Memory over time: how long does one fact survive in the cell?"),
    (() => { const p = h("p", { class: "lstm-help" }); p.innerHTML = "A one-unit LSTM reads 60 inputs; at step " + (fact + 1) + " a loud fact (+1) arrives, the rest are small distractors. The forget bias sets f<sub>t</sub> = σ(b<sub>f</sub>): near 1 the fact survives for many steps, near 0 it is gone at the next step. The input bias decides how loud an input must be to get written."; return p; })(),
    h("div", { class: "lstm-memory-sliders" }, fSlider, iSlider), caption, chart.node, legend, summary, gates, readout);
  el.append(root);

  function drawLines(plot) {
    if (!plot) return;
    const c = model.get("c");
    plot.line("input", model.get("inputs"), "var(--lstm-zero)", { dash: "2 3", width: 1.2 });
    plot.vline("fact", fact, "var(--lstm-muted)", `fact written (step ${fact + 1})`);
    plot.line("c", c, "var(--lstm-cell)", { width: 2.4 });
    plot.marker("fact-dot", fact, c[fact], "var(--lstm-cell)");
  }
  function draw() {
    fSlider.setValue(model.get("forget_bias"));
    iSlider.setValue(model.get("input_bias"));
    const c = model.get("c");
    drawLines(chart.plot());
    cells.f.textContent = fmt(model.get("f"));
    cells.i.textContent = fmt(model.get("i"));
    for (const d of AFTER) cells[`after-${d}`].textContent = fmt(c[fact + d]);
    // The chart in words, with the numbers shown below it.
    summary.textContent = `The fact is written as C = ${fmt(c[fact])} at step ${fact + 1}; with f = ${cells.f.textContent} ` +
      `at every step it is ${AFTER.map((d) => `${cells[`after-${d}`].textContent} after ${d} step${d > 1 ? "s" : ""}`).join(", ")}.`;
  }
  draw();
  model.on("change", draw); // once per set(), from a slider or from Python
  return () => model.off("change", draw);
}

export default { render };
