// LanguageModel view: the running example's sentence, the subject toggle, the
// phrase length, and f, i, C, o, h (cell entry 0) per word. Every sentence was run
// through lstm_ref.lstm_forward in Python, which also picked the predicted verb;
// the view only switches between stored traces (no sign convention of its own).

const ROWS = [
  ["f", "f<sub>t</sub> forget", "--lstm-forget", 0, 1], ["i", "i<sub>t</sub> input", "--lstm-input", 0, 1],
  ["c", "C<sub>t</sub> cell", "--lstm-cell", -1, 1], ["o", "o<sub>t</sub> output", "--lstm-output", 0, 1],
  ["h", "h<sub>t</sub> hidden", "--lstm-hidden", -1, 1],
];

function render({ model, el }) {
  const id = uid("lstm-lm");
  const sentences = model.get("sentences");
  const subj = 1;
  const root = h("div", { class: "lstm-widget lstm-lm", data: { widget: "LanguageModel" } });

  // A choice changed: pick the stored trace and hand it to the model (as Python's _look_up does).
  function choose(plural, phrase, step) {
    const s = sentences[phrase], trace = s[plural ? "plural" : "singular"];
    const verb = trace.verb;
    const words = s[plural ? "plural_words" : "singular_words"].slice();
    words[s.verb_index] = verb;
    const gates = Object.fromEntries(["c", "f", "i", "o", "h"].map((k) => [k, trace[k]]));
    model.set({ plural, phrase, step: step ?? s.verb_index - 1, verb_index: s.verb_index, verb, words, ...gates });
    model.save_changes(); // one set: one "change" event, one redraw
  }

  // ---- controls: subject radios, phrase length, word
  const radios = {};
  const group = h("fieldset", { class: "lstm-lm-subject" }, h("legend", {}, "Subject"));
  for (const [value, text] of [[false, "singular"], [true, "plural"]]) {
    const rid = `${id}-${text}`;
    const word = sentences[0][value ? "plural_words" : "singular_words"][subj];
    radios[text] = h("input", { type: "radio", name: `${id}-subject`, id: rid, value: text, data: { q: `subject-${text}` } });
    radios[text].addEventListener("change", () => timed(root, () => choose(value, model.get("phrase"), model.get("step"))));
    group.append(h("label", { for: rid }, radios[text], ` ${text} (“${word}”)`));
  }
  const gap = (k) => sentences[k].verb_index - subj - 1; // words between subject and verb
  const phraseSlider = slider({
    id: `${id}-phrase`, label: "words between subject and verb", min: 0, max: sentences.length - 1, step: 1,
    value: model.get("phrase"), color: "var(--lstm-cell)", data: { q: "phrase" }, format: (v) => String(gap(v)),
    onInput: (v) => timed(root, () => choose(model.get("plural"), v, null)),
  });
  let shownLength = 0; // words in the sentence on display
  const wordSlider = slider({
    id: `${id}-step`, label: "word", min: 1, max: 1, step: 1, value: 1,
    color: "var(--lstm-hidden)", data: { q: "step" }, format: (v) => `${v} / ${shownLength}`,
    onInput: (v) => timed(root, () => { model.set("step", v - 1); model.save_changes(); }),
  });
  const wordSlot = h("div", { class: "lstm-lm-word" }, wordSlider);

  // ---- the sentence and its per-word numbers: one table per sentence length,
  // built on first use and kept, so switching sentences only swaps tables.
  const tableWrap = scrollRegion("The sentence, word by word, with the cell's gates and state (scrolls sideways)");
  // The table in words, for the word the slider is on: announced when it changes.
  const detail = h("p", { class: "lstm-readout lstm-lm-detail lstm-summary", "aria-live": "polite", data: { q: "summary" } });
  const tables = new Map();
  let table = null, wordCells = [], bars = {};
  function tableFor(n) {
    if (tables.has(n)) return tables.get(n);
    const cells = [], cellBars = {};
    const headRow = h("tr", {}, h("th", {}, ""));
    for (let k = 0; k < n; k++) {
      const th = h("th", { scope: "col", class: "word", data: { k } });
      cells.push(th);
      headRow.append(th);
    }
    const body = h("tbody");
    for (const [q, label, color, lo, hi] of ROWS) {
      const th = h("th", { scope: "row" });
      th.innerHTML = label;
      const tr = h("tr", { class: `row-${q}` }, th);
      for (let k = 0; k < n; k++) {
        cellBars[`${q}:${k}`] = bar(lo, hi, `var(${color})`, { q, k });
        tr.append(h("td", { data: { k } }, cellBars[`${q}:${k}`]));
      }
      body.append(tr);
    }
    const node = h("table", { class: "lstm-lm-table" }, h("thead", {}, headRow), body);
    node.style.minWidth = `${6.5 + 4.6 * n}em`;
    tables.set(n, { node, cells, cellBars });
    return tables.get(n);
  }
  function show(n) {
    const t = tableFor(n);
    table = t.node; wordCells = t.cells; bars = t.cellBars;
    tableWrap.replaceChildren(table);
    wordSlider.input.max = n;
    shownLength = n;
  }

  const help = h("p", { class: "lstm-help" });
  help.innerHTML = "The course's running example, a small LSTM with hand-set weights, reads the sentence word by " +
    "word (shown: cell entry 0). At the subject it writes +1 (plural) or −1 (singular) into the cell; the forget " +
    "gate keeps it there through the words that follow. After every noun a verb could come next, so the output " +
    "gate opens there: h<sub>t</sub> &gt; 0 predicts “are”, h<sub>t</sub> &lt; 0 predicts “is” for the next word. " +
    "Lengthen the phrase in between and watch the stored number fade a little at every word.";
  // Every sentence's table built now, so moving the phrase slider only swaps tables.
  for (const s of sentences) tableFor(s.singular_words.length);
  const legend = h("div", { class: "lstm-legend" },
    "The subject is underlined, the verb boxed; the current word has a bar under it. Bars start at 0 (left = negative).");
  root.append(h("h4", {}, "A language model keeps the subject's number until the verb"), help,
    h("div", { class: "lstm-lm-controls" }, group, phraseSlider, wordSlot), detail, tableWrap, legend);
  el.append(root);

  function draw() {
    const plural = model.get("plural"), step = model.get("step"), verbAt = model.get("verb_index");
    const words = model.get("words"), verb = model.get("verb");
    if (words.length !== shownLength) show(words.length);
    radios.plural.checked = plural;
    radios.singular.checked = !plural;
    phraseSlider.setValue(model.get("phrase"));
    wordSlider.setValue(step + 1);
    for (let k = 0; k < words.length; k++) {
      setText(wordCells[k], words[k]);
      wordCells[k].classList.toggle("is-subject", k === subj);
      wordCells[k].classList.toggle("is-verb", k === verbAt);
      wordCells[k].classList.toggle("is-current", k === step);
    }
    for (const [q] of ROWS) {
      const values = model.get(q);
      for (let k = 0; k < words.length; k++) bars[`${q}:${k}`].set(values[k]);
    }
    table.querySelectorAll("td").forEach((td) => td.classList.toggle("is-current", Number(td.dataset.k) === step));
    // A long sentence scrolls sideways: keep the current word in view (the page itself does not move).
    // Measured in the next frame, so a slider step never forces a layout of its own.
    const cell = wordCells[step];
    requestAnimationFrame(() => {
      tableWrap.check();
      tableWrap.scrollLeft = Math.max(0, cell.offsetLeft + cell.offsetWidth / 2 - tableWrap.clientWidth / 2);
    });
    const c = model.get("c")[step], o = model.get("o")[step], hh = model.get("h")[step];
    detail.replaceChildren(
      h("b", {}, `At “${words[step]}”: `), "C", h("sub", {}, "t"), " = ", h("span", { class: "lstm-num", data: { q: "detail-c" } }, fmt(c)),
      ", o", h("sub", {}, "t"), " = ", h("span", { class: "lstm-num", data: { q: "detail-o" } }, fmt(o)),
      ", h", h("sub", {}, "t"), " = o·tanh(C) = ", h("span", { class: "lstm-num", data: { q: "detail-h" } }, fmt(hh)), ". ",
      step === verbAt - 1
        ? h("span", {}, "A verb comes next: h > 0 predicts “are”, h < 0 predicts “is”; the model predicts ",
          h("b", { data: { q: "verb" } }, `“${verb}”`), ".")
        : step < subj ? "No subject yet: the cell is empty."
        : step >= verbAt ? "The verb has been read; the output gate is shut again."
        : o > 0.5 ? "After a noun a verb could follow: the output gate shows the subject's number."
        : "The number is stored in the cell, but the output gate hides it."); 
  }
  draw();
  model.on("change", draw); // once per set(), from a slider or from Python
  return () => model.off("change", draw);
}

export default { render };
