"""LanguageModel: a toy sentence whose cell remembers whether the subject is singular or plural."""
import anywidget
import numpy as np
import traitlets as t

import lstm_ref

from ._assets import module_file, style_file

# The words between the subject and the verb, from none to a long phrase: the
# reader picks one with a slider, to see how far the cell carries the number.
PHRASES = [
    [],
    ["that", "sat", "on", "the", "mat"],
    ["that", "sat", "on", "the", "mat", "by", "the", "door"],
    ["that", "sat", "on", "the", "mat", "by", "the", "door", "of", "the", "old", "barn"],
    ["that", "sat", "on", "the", "mat", "by", "the", "door", "of", "the", "old", "barn", "all", "day", "and",
     "all", "night"],
]
SUBJECT = 1  # "The cat(s) ..." : the subject is the second word


def sentence(phrase, plural):
    """The words: "The cat(s) <phrase> is/are hungry" (the verb as the model picks it is filled in later)."""
    return ["The", "cats" if plural else "cat", *PHRASES[phrase], "are" if plural else "is", "hungry"]


def verb_index(phrase):
    return SUBJECT + 1 + len(PHRASES[phrase])


def sentence_inputs(phrase, plural):
    """The sentence as inputs (T, 3), one row per word: [singular subject, plural subject, verb slot].

    The input marks which noun is the subject and where the verb goes; learning
    that is the hard part a trained network does, and not what this toy shows.
    """
    xs = np.zeros((len(sentence(phrase, plural)), 3))
    xs[SUBJECT, 1 if plural else 0] = 1
    xs[verb_index(phrase), 2] = 1
    return xs


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
    """
    row = lambda *w: np.array([w], dtype=float)  # noqa: E731 - one weight row, H = 1
    return {
        "W_f": row(0, -6, -6, 0), "b_f": np.array([4.0]),
        "W_i": row(0, 8, 8, 0), "b_i": np.array([-4.0]),
        "W_C": row(0, 3, -3, 0), "b_C": np.array([0.0]),
        "W_o": row(0, 0, 0, 8), "b_o": np.array([-4.0]),
    }


def run(phrase, plural):
    """lstm_ref.lstm_forward over the sentence: {"c", "f", "i", "c_tilde", "o", "h"}, one float per word."""
    out = lstm_ref.lstm_forward(sentence_inputs(phrase, plural), language_params())
    return {k: out[k][:, 0].tolist() for k in ("c", "f", "i", "c_tilde", "o", "h")}


def verb_for(h):
    """The verb form the model's h_t at the verb slot picks: "is" (h > 0) or "are"."""
    return "is" if h > 0 else "are"


class LanguageModel(anywidget.AnyWidget):
    """"The cat(s) that sat on the mat is/are hungry": the cell stores the subject's number.

    Every sentence (5 phrase lengths × singular/plural) is run with
    lstm_ref.lstm_forward at construction; ``phrase`` (0-4) and ``plural`` pick
    one, and the view switches between them with no kernel needed. ``step`` is
    the word the view details (0-based). ``words``, ``c``, ``f``, ``i``, ``o``,
    ``h``, ``verb_index`` and ``verb`` describe the chosen sentence.
    """

    _esm = module_file("language_model")
    _css = style_file("language_model")

    plural = t.Bool(False).tag(sync=True)
    phrase = t.Int(1).tag(sync=True)
    step = t.Int(0).tag(sync=True)
    # Everything the view may show: [phrase]{"words", "verb_index", "singular": run, "plural": run}.
    sentences = t.List(t.Dict()).tag(sync=True)
    words = t.List(t.Unicode()).tag(sync=True)
    verb_index = t.Int().tag(sync=True)
    c = t.List(t.Float()).tag(sync=True)
    f = t.List(t.Float()).tag(sync=True)
    i = t.List(t.Float()).tag(sync=True)
    o = t.List(t.Float()).tag(sync=True)
    h = t.List(t.Float()).tag(sync=True)
    verb = t.Unicode().tag(sync=True)

    def __init__(self, plural=False, phrase=1, step=None, **kwargs):
        sentences = [{"singular_words": sentence(k, False), "plural_words": sentence(k, True),
                      "verb_index": verb_index(k), "singular": run(k, False), "plural": run(k, True)}
                     for k in range(len(PHRASES))]
        super().__init__(sentences=sentences, **kwargs)
        self.phrase, self.plural = phrase, plural
        self.step = verb_index(self.phrase) if step is None else step
        self._look_up()

    @t.validate("phrase")
    def _valid_phrase(self, proposal):
        if not 0 <= proposal["value"] < len(PHRASES):
            raise ValueError(f"LanguageModel: phrase must be in [0, {len(PHRASES) - 1}], got {proposal['value']}")
        return proposal["value"]

    @t.validate("step")
    def _valid_step(self, proposal):
        n = len(sentence(self.phrase, self.plural))
        if not 0 <= proposal["value"] < n:
            raise ValueError(f"LanguageModel: step must be in [0, {n - 1}] for this sentence, got {proposal['value']}")
        return proposal["value"]

    @t.observe("plural", "phrase")
    def _on_choice(self, change):
        if change["name"] == "phrase":
            self.step = verb_index(self.phrase)  # a new sentence: show its verb
        self._look_up()

    def _look_up(self):
        chosen = self.sentences[self.phrase]
        trace = chosen["plural" if self.plural else "singular"]
        with self.hold_trait_notifications():
            for k in ("c", "f", "i", "o", "h"):
                setattr(self, k, trace[k])
            self.verb_index = chosen["verb_index"]
            self.verb = verb_for(trace["h"][self.verb_index])
            words = list(chosen["plural_words" if self.plural else "singular_words"])
            words[self.verb_index] = self.verb  # the verb shown is the one the model picks
            self.words = words
