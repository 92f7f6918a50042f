"""The book's running example: a tiny LSTM whose weights we set by hand so that its cell
remembers the grammatical number of a sentence's subject until the verb arrives.

It makes the essay's language-model example concrete ("the cat ... is" against "the
cats ... are"). Only weights and inputs live here; every computation in the chapters
is done by lstm_ref.

Each word is a 3-vector x = [starts_subject, number, verb_next]:
- starts_subject: 1 when the word is the head noun of a new subject, else 0;
- number: +1 if that noun is plural, -1 if singular, 0 otherwise;
- verb_next: 1 when the next word is the verb (the model must then say its number).

The cell has two entries: entry 0 holds the subject's number (+ plural, - singular);
entry 1 records that some subject has been seen.
"""
from __future__ import annotations

import numpy as np

HIDDEN_SIZE = 2
INPUT_SIZE = 3
FEATURES = ("starts_subject", "number", "verb_next")


def agreement_params() -> dict[str, np.ndarray]:
    """Hand-set LSTM weights (lstm_ref's layout: W is (H, H + D) acting on [h_prev, x])."""
    H, D = HIDDEN_SIZE, INPUT_SIZE
    W = {name: np.zeros((H, H + D)) for name in ("W_f", "W_i", "W_C", "W_o")}
    b = {name: np.zeros(H) for name in ("b_f", "b_i", "b_C", "b_o")}
    subject, number, verb_next = H + 0, H + 1, H + 2  # columns of the input features

    # Forget: keep everything (bias +4) unless a new subject starts (-8 pulls f to ~0).
    W["W_f"][0, subject], b["b_f"][0] = -8.0, 4.0
    b["b_f"][1] = 6.0
    # Input: write only when a new subject starts.
    W["W_i"][:, subject], b["b_i"][:] = 8.0, -4.0
    # Candidate: entry 0 proposes the number (tanh(3 * ±1) ≈ ±1); entry 1 proposes "seen".
    W["W_C"][0, number] = 3.0
    b["b_C"][1] = 3.0
    # Output: reveal the number only when the verb comes next; entry 1 half open.
    W["W_o"][0, verb_next], b["b_o"][0] = 8.0, -4.0
    return {**W, **b}


# (word, starts_subject, number, verb_next)
SENTENCES = {
    "plural": [("The", 0, 0, 0), ("keys", 1, +1, 0), ("to", 0, 0, 0), ("the", 0, 0, 0),
               ("cabinet", 0, 0, 1), ("are", 0, 0, 0)],
    "singular": [("The", 0, 0, 0), ("key", 1, -1, 0), ("to", 0, 0, 0), ("the", 0, 0, 0),
                 ("cabinets", 0, 0, 1), ("is", 0, 0, 0)],
}


def encode(sentence: str) -> tuple[list[str], np.ndarray]:
    """The words of SENTENCES[sentence] and their inputs xs, shaped (T, 3)."""
    rows = SENTENCES[sentence]
    return [r[0] for r in rows], np.array([r[1:] for r in rows], dtype=float)
