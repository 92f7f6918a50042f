// GradientReach view: ‖∂L/∂x_t‖ per step for the RNN and the LSTM, on a log
// axis. The norms come from lstm_ref (BPTT) over the sliders' grid; the view
// only looks up the row for the current sliders.

const sci = (v) => (v === 0 ? "0" : v.toExponential(2));

function render({ model, el }) {
  const id = uid("lstm-reach");
  const sGrid = model.get("scales"), fGrid = model.get("forget_biases");
  const steps = model.get("rnn").length;
  const [lo, hi] = model.get("log_range");
  const root = h("div", { class: "lstm-widget lstm-reach", data: { widget: "GradientReach" } });

  function choose(name, v) {
    const chosen = { scale: model.get("scale"), forget_bias: model.get("forget_bias"), [name]: v };
    const s = nearestIndex(sGrid, chosen.scale), row = s * fGrid.length + nearestIndex(fGrid, chosen.forget_bias);
    model.set({ ...chosen, rnn: model.get("rnn_table").slice(s * steps, (s + 1) * steps),
                lstm: model.get("lstm_table").slice(row * steps, (row + 1) * steps) }); // one set: one redraw
    model.save_changes();
  }
  const sSlider = slider({
    id: `${id}-scale`, label: "recurrent weight scale", min: sGrid[0], max: sGrid[sGrid.length - 1],
    step: sGrid[1] - sGrid[0], value: model.get("scale"), color: "var(--lstm-rnn)", data: { q: "scale" },
    format: (v) => fmt(v, 2), onInput: (v) => timed(root, () => choose("scale", v)),
  });
  const fSlider = slider({
    id: `${id}-bf`, label: h("span", {}, "LSTM forget bias b", h("sub", {}, "f")), min: fGrid[0],
    max: fGrid[fGrid.length - 1], step: fGrid[1] - fGrid[0], value: model.get("forget_bias"),
    color: "var(--lstm-forget)", data: { q: "forget_bias" }, format: (v) => fmt(v, 1),
    onInput: (v) => timed(root, () => choose("forget_bias", v)),
  });

  const every = Math.max(1, Math.ceil((hi - lo) / 8));
  const ticks = [];
  for (let p = Math.ceil(lo / every) * every; p <= hi; p += every) ticks.push(p);
  const captionId = `${id}-caption`, summaryId = `${id}-summary`;
  const caption = h("p", { class: "lstm-help", id: captionId },
    `Line chart, log scale: the size of the gradient that reaches each of the ${steps} steps, for the plain RNN (grey, dashed) and the LSTM (orange, solid).`);
  const chart = fittedPlot((width) => linePlot({
    n: steps, yMin: lo, yMax: hi, log: true, yLabel: "‖∂L/∂x_t‖ (log scale)", yTicks: ticks, width,
    xTicks: [1, 10, 20, 30, 40, 50].filter((k) => k <= steps && (width >= 420 || k % 20 !== 10)),
    xLabel: `step t (the loss is at step ${steps})`, labelledBy: `${captionId} ${summaryId}`,
  }), (plot) => drawLines(plot));
  const summary = liveSummary(summaryId);

  const PROBES = [1, steps - 10].filter((k) => k >= 1);
  const nums = {};
  const num = (q) => (nums[q] = h("span", { class: "lstm-num", data: { q } }));
  const table = h("table", { class: "lstm-reach-table" }, h("caption", {}, "Gradient reaching two early steps"),
    h("thead", {}, h("tr", {}, h("th", {}, "gradient reaching"), h("th", {}, "RNN"), h("th", {}, "LSTM"), h("th", {}, "LSTM / RNN"))),
    h("tbody", {}, PROBES.map((k) => h("tr", {},
      h("th", { scope: "row" }, `step ${k} (${steps - k} steps back)`),
      h("td", {}, num(`rnn-${k}`)), h("td", {}, num(`lstm-${k}`)), h("td", {}, num(`ratio-${k}`))))));

  const legend = h("div", { class: "lstm-legend" },
    h("span", {}, h("span", { class: "lstm-swatch is-dashed" }), "plain RNN (dashed)"),
    h("span", {}, h("span", { class: "lstm-swatch", style: { background: "var(--lstm-lstm)" } }), "LSTM (solid)"));
  const help = h("p", { class: "lstm-help" });
  help.innerHTML = `A loss at the last step, back-propagated through time into both networks (8 units, the same inputs). ` +
    `The curves show how much gradient reaches each earlier input: on a log scale, a straight line is a gradient that shrinks by the same factor at every step back from the loss. ` +
    `Raise the LSTM's forget bias (f<sub>t</sub> near 1) and the gradient reaches much further back; no setting of the RNN's weight scale does the same.`;
  root.append(h("h4", {}, "Gradient reach: RNN against LSTM"), help,
    h("div", { class: "lstm-reach-sliders" }, sSlider, fSlider), caption, chart.node, legend, summary,
    scrollRegion("Gradient table (scrolls sideways)", table));
  el.append(root);

  function drawLines(plot) {
    if (!plot) return;
    plot.line("rnn", model.get("rnn"), "var(--lstm-rnn)", { dash: "6 4" });
    plot.line("lstm", model.get("lstm"), "var(--lstm-lstm)", { width: 2.6 });
  }
  function draw() {
    sSlider.setValue(model.get("scale"));
    fSlider.setValue(model.get("forget_bias"));
    const rnn = model.get("rnn"), lstm = model.get("lstm");
    drawLines(chart.plot());
    for (const k of PROBES) {
      nums[`rnn-${k}`].textContent = sci(rnn[k - 1]);
      nums[`lstm-${k}`].textContent = sci(lstm[k - 1]);
      nums[`ratio-${k}`].textContent = rnn[k - 1] > 0 ? sci(lstm[k - 1] / rnn[k - 1]) : "∞";
    }
    // The chart in words, with the numbers the table shows.
    const k = PROBES[0];
    summary.textContent = `${steps - k} steps back from the loss, the RNN (weight scale ${fmt(model.get("scale"), 2)}) ` +
      `passes on a gradient of ${sci(rnn[k - 1])} and the LSTM (forget bias ${fmt(model.get("forget_bias"), 1)}) ` +
      `${sci(lstm[k - 1])}: ${nums[`ratio-${k}`].textContent} times as much.`;
  }
  draw();
  model.on("change", draw); // once per set(), from a slider or from Python
  return () => model.off("change", draw);
}

export default { render };
