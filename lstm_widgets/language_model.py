"""LanguageModel: the running example (lstm_widgets.agreement) reading a sentence whose verb must agree with
its subject across a phrase of other nouns."""
import anywidget
import numpy as np
import traitlets as t

import lstm_ref

from . import agreement
from ._assets import module_file, style_file

# The words between the subject and the verb, from none to a long phrase: the
# reader picks one with a slider, to see how far the cell carries the number.
PHRASES = [
    [],
    ["that", "sat", "on", "the", "mat"],
    ["that", "sat", "on", "the", "mat", "by", "the", "door"],
    ["that", "sat", "on", "the", "mat", "by", "the", "door", "of", "the", "old", "barn"],
    ["that", "sat", "on", "the", "mat", "by", "the", "door", "of", "the", "old", "barn", "near", "the",
     "tall", "trees"],
]
SUBJECT = 1  # "The cat(s) ..." : the subject is the second word


def sentence(phrase, plural):
    """The words: "The cat(s) <phrase> is/are hungry", with the verb that agrees with the subject."""
    return ["The", "cats" if plural else "cat", *PHRASES[phrase], "are" if plural else "is", "hungry"]


def verb_index(phrase):
    return SUBJECT + 1 + len(PHRASES[phrase])


def sentence_inputs(phrase, plural):
    """The sentence as the running example's inputs (T, 3): agreement.encode_words, one row per word.

    Row t depends on the words up to t only, so the prediction made at the word
    before the verb cannot peek at the verb.
    """
    return agreement.encode_words(sentence(phrase, plural))


def run(phrase, plural):
    """lstm_ref.lstm_forward of the running example over the sentence: cell entry 0's {"c", "f", "i", "c_tilde",
    "o", "h"}, one float per word, and "verb", the verb predicted from h at the word before the verb."""
    out = lstm_ref.lstm_forward(sentence_inputs(phrase, plural), agreement.agreement_params())
    trace = {k: out[k][:, 0].tolist() for k in ("c", "f", "i", "c_tilde", "o", "h")}
    trace["verb"] = agreement.verb_for(out["h"][verb_index(phrase) - 1])
    return trace


class LanguageModel(anywidget.AnyWidget):
    """"The cat(s) that sat on the mat is/are hungry": the cell stores the subject's number.

    The model is the course's running example (lstm_widgets.agreement, the same
    weights and convention as the chapters: + plural, - singular); the view
    shows cell entry 0. Every sentence (5 phrase lengths × singular/plural) is
    run with lstm_ref.lstm_forward at construction; ``phrase`` (0-4) and
    ``plural`` pick one, and the view switches between them with no kernel
    needed. ``step`` is the word the view details (0-based). ``words``, ``c``,
    ``f``, ``i``, ``o``, ``h``, ``verb_index`` and ``verb`` (predicted from h at
    the word before the verb) describe the chosen sentence.
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
        self.step = verb_index(self.phrase) - 1 if step is None else step  # where the verb is predicted
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
            self.step = verb_index(self.phrase) - 1  # a new sentence: show where its verb is predicted
        self._look_up()

    def _look_up(self):
        chosen = self.sentences[self.phrase]
        trace = chosen["plural" if self.plural else "singular"]
        with self.hold_trait_notifications():
            for k in ("c", "f", "i", "o", "h"):
                setattr(self, k, trace[k])
            self.verb_index = chosen["verb_index"]
            self.verb = trace["verb"]
            words = list(chosen["plural_words" if self.plural else "singular_words"])
            words[self.verb_index] = self.verb  # the verb shown is the one the model picks
            self.words = words
