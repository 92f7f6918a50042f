"""LanguageModel: a toy sentence whose cell remembers whether the subject is singular or plural."""
import anywidget
import numpy as np
import traitlets as t

import lstm_ref

from ._assets import css, esm

# (word for a singular subject, word for a plural one, input features):
# features = [singular subject, plural subject, verb slot].
SENTENCE = [
    ("The", "The", (0, 0, 0)),
    ("cat", "cats", None),        # the subject: its features depend on the choice
    ("that", "that", (0, 0, 0)),
    ("sat", "sat", (0, 0, 0)),
    ("on", "on", (0, 0, 0)),
    ("the", "the", (0, 0, 0)),
    ("mat", "mat", (0, 0, 0)),
    ("is", "are", (0, 0, 1)),     # the verb: chosen from h_t's sign
    ("hungry", "hungry", (0, 0, 0)),
]
SUBJECT = 1
VERB = 7


def sentence_inputs(plural):
    """The sentence as inputs (T, 3): [singular subject, plural subject, verb slot]."""
    rows = [feats if feats is not None else ((0, 1, 0) if plural else (1, 0, 0)) for _, _, feats in SENTENCE]
    return np.array(rows, dtype=float)


def language_params():
    """A hand-set LSTM with ONE unit, so every weight can be read (W columns: [h, sing, plur, verb]).

    A trained language model learns weights like these spread over many units;
    here they are set by hand so the mechanism is visible:
    - forget gate: σ(4) ≈ 0.98 keeps the cell at every word, except at a subject
      noun, σ(4 - 6) ≈ 0.12, which clears the previous subject's number;
    - input gate: σ(-4) ≈ 0.02 writes (almost) nothing, except at a subject, σ(4) ≈ 0.98;
    - candidate: tanh(+3) ≈ +1 for a singular subject, tanh(-3) ≈ -1 for a plural one;
    - output gate: σ(-4) ≈ 0.02 hides the cell, except at the verb slot, σ(4) ≈ 0.98:
      only there does h_t carry the number, and the verb is "is" if h_t > 0, "are" if h_t < 0.
    The input marks which noun is the subject; learning that is the hard part a
    trained network does, and is not what this toy shows.
    """
    row = lambda *w: np.array([w], dtype=float)  # noqa: E731 - one weight row, H = 1
    return {
        "W_f": row(0, -6, -6, 0), "b_f": np.array([4.0]),
        "W_i": row(0, 8, 8, 0), "b_i": np.array([-4.0]),
        "W_C": row(0, 3, -3, 0), "b_C": np.array([0.0]),
        "W_o": row(0, 0, 0, 8), "b_o": np.array([-4.0]),
    }


def run(plural):
    """lstm_ref.lstm_forward over the sentence: {"c", "f", "i", "c_tilde", "o", "h"}, one float per word."""
    out = lstm_ref.lstm_forward(sentence_inputs(plural), language_params())
    return {k: out[k][:, 0].tolist() for k in ("c", "f", "i", "c_tilde", "o", "h")}


def verb_for(h):
    """The verb form the model's h_t at the verb slot picks: "is" (h > 0) or "are"."""
    return "is" if h > 0 else "are"


class LanguageModel(anywidget.AnyWidget):
    """"The cat(s) that sat on the mat is/are hungry": the cell stores the subject's number.

    Both sentences are run with lstm_ref.lstm_forward at construction; ``plural``
    picks one (the view toggles it, with no kernel needed), ``step`` is the word
    the view details (0-based). ``c``, ``o``, ``h`` and ``verb`` follow ``plural``.
    """

    _esm = esm("language_model.js")
    _css = css("language_model.css")

    plural = t.Bool(False).tag(sync=True)
    step = t.Int(VERB).tag(sync=True)
    words_singular = t.List(t.Unicode(), [w for w, _, _ in SENTENCE]).tag(sync=True)
    words_plural = t.List(t.Unicode(), [w for _, w, _ in SENTENCE]).tag(sync=True)
    subject_index = t.Int(SUBJECT).tag(sync=True)
    verb_index = t.Int(VERB).tag(sync=True)
    traces = t.Dict().tag(sync=True)  # {"singular": run(False), "plural": run(True)}
    c = t.List(t.Float()).tag(sync=True)
    f = t.List(t.Float()).tag(sync=True)
    i = t.List(t.Float()).tag(sync=True)
    o = t.List(t.Float()).tag(sync=True)
    h = t.List(t.Float()).tag(sync=True)
    verb = t.Unicode().tag(sync=True)

    def __init__(self, plural=False, step=VERB, **kwargs):
        super().__init__(traces={"singular": run(False), "plural": run(True)}, **kwargs)
        self.plural, self.step = plural, step
        self._look_up()

    @t.validate("step")
    def _valid_step(self, proposal):
        if not 0 <= proposal["value"] < len(SENTENCE):
            raise ValueError(f"LanguageModel: step must be in [0, {len(SENTENCE) - 1}], got {proposal['value']}")
        return proposal["value"]

    @t.observe("plural")
    def _on_plural(self, change):
        self._look_up()

    def _look_up(self):
        trace = self.traces["plural" if self.plural else "singular"]
        for k in ("c", "f", "i", "o", "h"):
            setattr(self, k, trace[k])
        self.verb = verb_for(trace["h"][VERB])
