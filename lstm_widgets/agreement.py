"""The course's running example: a tiny LSTM whose weights we set by hand so that its cell
remembers the grammatical number of a sentence's subject until a verb may follow.

It makes the essay's language-model example concrete ("the cat ... is" against "the
cats ... are"). The chapters (05-08) and the LanguageModel widget both use it, so they
share one convention. Only words, features and weights live here (numpy only, no
lstm_ref): every computation is done by lstm_ref.

The model reads a sentence word by word and, like a language model, its hidden state
h_t after word t is what a readout would use to predict word t + 1.

Each word becomes a 3-vector x_t = [subject, number, noun], computed from the words up
to t only (never from a later word):
- subject: 1 when word t is a noun that starts a subject: a noun not governed by a
  preposition (looking back over determiners and adjectives, the first other word is
  not a preposition), else 0;
- number: +1 if word t is a plural noun, -1 if a singular noun, 0 otherwise;
- noun: 1 when word t is a noun, after which a verb may come next, else 0.

Sign convention, everywhere in the course: + means plural, - means singular. Cell
entry 0 holds the subject's number; entry 1 records that some subject has been seen.
A positive h_t[0] predicts "are", a negative one "is" (`verb_for`).
"""
from __future__ import annotations

import numpy as np

HIDDEN_SIZE = 2
INPUT_SIZE = 3
FEATURES = ("subject", "number", "noun")
PLURAL, SINGULAR = +1.0, -1.0

# word -> (word class, number for nouns)
LEXICON = {
    "the": ("det", 0), "all": ("det", 0),
    "old": ("adj", 0), "tall": ("adj", 0), "hungry": ("adj", 0),
    "to": ("prep", 0), "on": ("prep", 0), "by": ("prep", 0), "of": ("prep", 0), "near": ("prep", 0),
    "that": ("pron", 0),
    "is": ("verb", 0), "are": ("verb", 0), "sat": ("verb", 0),
    "key": ("noun", SINGULAR), "keys": ("noun", PLURAL),
    "cabinet": ("noun", SINGULAR), "cabinets": ("noun", PLURAL),
    "cat": ("noun", SINGULAR), "cats": ("noun", PLURAL),
    "mat": ("noun", SINGULAR), "door": ("noun", SINGULAR), "barn": ("noun", SINGULAR),
    "trees": ("noun", PLURAL),
}


def word_class(word: str) -> tuple[str, float]:
    """(class, number) of a word from LEXICON, case-insensitive; a clear error for an unknown word."""
    try:
        return LEXICON[word.lower()]
    except KeyError:
        raise ValueError(f"unknown word {word!r}: the running example knows only {sorted(LEXICON)}") from None


def features(prefix: list[str]) -> np.ndarray:
    """x_t for the LAST word of `prefix` (the words up to and including t): [subject, number, noun]."""
    kind, number = word_class(prefix[-1])
    if kind != "noun":
        return np.zeros(INPUT_SIZE)
    before = [word_class(w)[0] for w in prefix[:-1] if word_class(w)[0] not in ("det", "adj")]
    governed = bool(before) and before[-1] == "prep"
    return np.array([0.0 if governed else 1.0, number, 1.0])


def encode_words(words: list[str]) -> np.ndarray:
    """The inputs xs, shaped (T, 3): row t is features(words[:t + 1])."""
    return np.array([features(words[:t + 1]) for t in range(len(words))])


def agreement_params() -> dict[str, np.ndarray]:
    """Hand-set LSTM weights (lstm_ref's layout: W is (H, H + D) acting on [h_prev, x])."""
    H, D = HIDDEN_SIZE, INPUT_SIZE
    W = {name: np.zeros((H, H + D)) for name in ("W_f", "W_i", "W_C", "W_o")}
    b = {name: np.zeros(H) for name in ("b_f", "b_i", "b_C", "b_o")}
    subject, number, noun = H + 0, H + 1, H + 2  # columns of the input features

    # Forget: keep everything (bias +4) unless a new subject starts (-8 pulls f to ~0).
    W["W_f"][0, subject], b["b_f"][0] = -8.0, 4.0
    b["b_f"][1] = 6.0
    # Input: write only when a new subject starts.
    W["W_i"][:, subject], b["b_i"][:] = 8.0, -4.0
    # Candidate: entry 0 proposes the word's number (tanh(3 * ±1) ≈ ±1); entry 1 proposes "seen".
    W["W_C"][0, number] = 3.0
    b["b_C"][1] = 3.0
    # Output: reveal the number after a noun, where a verb may come next; entry 1 half open.
    W["W_o"][0, noun], b["b_o"][0] = 8.0, -4.0
    return {**W, **b}


def verb_for(h) -> str:
    """The verb a readout of h_t predicts for word t + 1: "are" if h_t[0] > 0 (plural), else "is"."""
    return "are" if np.ravel(h)[0] > 0 else "is"


SENTENCES = {
    "plural": "The keys to the cabinet are".split(),
    "singular": "The key to the cabinets is".split(),
}


def encode(sentence: str) -> tuple[list[str], np.ndarray]:
    """The words of SENTENCES[sentence] and their inputs xs, shaped (T, 3)."""
    words = SENTENCES[sentence]
    return words, encode_words(words)
