// LanguageModel view: the toy sentence, the subject toggle, and c_t, o_t, h_t
// per word. Both sentences were run through lstm_ref.lstm_forward in Python;
// the view only switches between the two stored traces.

function render({ model, el }) {
  const id = uid("lstm-lm");
  const n = model.get("words_singular").length;
  const subj = model.get("subject_index"), verbAt = model.get("verb_index");
  const root = h("div", { class: "lstm-widget lstm-lm", data: { widget: "LanguageModel" } });

  function setPlural(plural) {
    model.set("plural", plural);
    const trace = model.get("traces")[plural ? "plural" : "singular"];
    for (const k of ["c", "f", "i", "o", "h"]) model.set(k, trace[k]);
    model.set("verb", trace.h[verbAt] > 0 ? "is" : "are");
    model.save_changes();
  }

  // ---- controls: subject radios, word slider
  const radios = {};
  const group = h("fieldset", { class: "lstm-lm-subject" }, h("legend", {}, "Subject"));
  for (const [value, text] of [[false, "singular"], [true, "plural"]]) {
    const rid = `${id}-${text}`;
    const word = model.get(value ? "words_plural" : "words_singular")[subj];
    radios[text] = h("input", { type: "radio", name: `${id}-subject`, id: rid, value: text, data: { q: `subject-${text}` } });
    radios[text].addEventListener("change", () => timed(root, () => setPlural(value)));
    group.append(h("label", { for: rid }, radios[text], ` ${text} (“${word}”)`));
  }
  const wordSlider = slider({
    id: `${id}-step`, label: "word", min: 1, max: n, step: 1, value: model.get("step") + 1,
    color: "var(--lstm-hidden)", data: { q: "step" }, format: (v) => `${v} / ${n}`,
    onInput: (v) => timed(root, () => { model.set("step", v - 1); model.save_changes(); }),
  });

  // ---- the sentence and its per-word numbers
  const ROWS = [
    ["f", "f<sub>t</sub> forget", "--lstm-forget", 0, 1], ["i", "i<sub>t</sub> input", "--lstm-input", 0, 1],
    ["c", "C<sub>t</sub> cell", "--lstm-cell", -1, 1], ["o", "o<sub>t</sub> output", "--lstm-output", 0, 1],
    ["h", "h<sub>t</sub> hidden", "--lstm-hidden", -1, 1],
  ];
  const wordCells = [];
  const headRow = h("tr", {}, h("th", {}, ""));
  for (let k = 0; k < n; k++) {
    const th = h("th", { scope: "col", class: `word${k === subj ? " is-subject" : ""}${k === verbAt ? " is-verb" : ""}`, data: { k } });
    wordCells.push(th);
    headRow.append(th);
  }
  const bars = {};
  const body = h("tbody");
  for (const [q, label, color, lo, hi] of ROWS) {
    const th = h("th", { scope: "row" });
    th.innerHTML = label;
    const tr = h("tr", { class: `row-${q}` }, th);
    for (let k = 0; k < n; k++) {
      bars[`${q}:${k}`] = bar(lo, hi, `var(${color})`, { q, k });
      tr.append(h("td", { data: { k } }, bars[`${q}:${k}`]));
    }
    body.append(tr);
  }
  const table = h("table", { class: "lstm-lm-table" }, h("thead", {}, headRow), body);
  const detail = h("p", { class: "lstm-readout lstm-lm-detail" });

  const help = h("p", { class: "lstm-help" });
  help.innerHTML = "A one-unit LSTM with hand-set weights reads the sentence word by word. At the subject it writes " +
    "+1 (singular) or −1 (plural) into the cell; the forget gate keeps it there through the words that follow, " +
    "while the output gate stays shut. At the verb the output gate opens: h<sub>t</sub> &gt; 0 picks “is”, h<sub>t</sub> &lt; 0 picks “are”.";
  root.append(h("h4", {}, "A language model keeps the subject's number until the verb"), help,
    h("div", { class: "lstm-lm-controls" }, group, wordSlider),
    h("div", { class: "lstm-table-wrap" }, table), detail);
  el.append(root);

  function draw() {
    const plural = model.get("plural"), step = model.get("step");
    radios.plural.checked = plural;
    radios.singular.checked = !plural;
    wordSlider.setValue(step + 1);
    const words = model.get(plural ? "words_plural" : "words_singular");
    const verb = model.get("verb");
    for (let k = 0; k < n; k++) {
      wordCells[k].textContent = k === verbAt ? verb : words[k];
      wordCells[k].classList.toggle("is-current", k === step);
    }
    for (const [q] of ROWS) {
      const values = model.get(q);
      for (let k = 0; k < n; k++) bars[`${q}:${k}`].set(values[k]);
    }
    table.querySelectorAll("td").forEach((td) => td.classList.toggle("is-current", Number(td.dataset.k) === step));
    const word = k => (k === verbAt ? verb : words[k]);
    const c = model.get("c")[step], o = model.get("o")[step], hh = model.get("h")[step];
    detail.replaceChildren(
      h("b", {}, `At “${word(step)}”: `), "C", h("sub", {}, "t"), " = ", h("span", { class: "lstm-num", data: { q: "detail-c" } }, fmt(c)),
      ", o", h("sub", {}, "t"), " = ", h("span", { class: "lstm-num", data: { q: "detail-o" } }, fmt(o)),
      ", h", h("sub", {}, "t"), " = o·tanh(C) = ", h("span", { class: "lstm-num", data: { q: "detail-h" } }, fmt(hh)), ". ",
      step === verbAt
        ? h("span", {}, `h > 0 picks “is”, h < 0 picks “are”: the model writes `, h("b", { data: { q: "verb" } }, `“${verb}”`), ".")
        : step < subj ? "No subject yet: the cell is empty."
        : Math.abs(o) < 0.5 ? "The number is stored in the cell, but the output gate hides it." : "");
  }
  draw();
  const names = ["plural", "step", "c", "f", "i", "o", "h", "verb"];
  for (const name of names) model.on(`change:${name}`, draw);
  return () => { for (const name of names) model.off(`change:${name}`, draw); };
}

export default { render };
