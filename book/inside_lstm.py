"""The chapter "Looking inside a trained LSTM": load the trained model, measure properties of the text, find cells.

The model is trained by `make train` (tools/train_char_lstm.py) and committed as
models/char_lstm/model.npz; nothing here trains. Properties are read from the
text with Python's own tokenizer, so "inside a string" means what Python means.
"""
from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lstm_ref import char_model

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "models" / "char_lstm"


@dataclass(frozen=True)
class TrainedModel:
    params: dict
    losses: np.ndarray              # training loss (nats per character) after each step
    snapshot_steps: np.ndarray      # steps at which a sample and the held-out loss were saved
    snapshot_samples: list
    snapshot_held_out_loss: np.ndarray
    setup: dict
    train_seconds: float
    corpus: str

    @property
    def held_out(self) -> str:
        """The last 10 % of the corpus, never trained on."""
        return self.corpus[char_model.held_out_start(self.corpus):]


def load(folder: Path = FOLDER) -> TrainedModel:
    with np.load(folder / "model.npz") as z:
        params = {k[len("param_"):]: z[k] for k in z.files if k.startswith("param_")}
        return TrainedModel(params=params, losses=z["losses"], snapshot_steps=z["snapshot_steps"],
                            snapshot_samples=[str(s) for s in z["snapshot_samples"]],
                            snapshot_held_out_loss=z["snapshot_held_out_loss"],
                            setup=ast.literal_eval(str(z["setup"])), train_seconds=float(z["train_seconds"]),
                            corpus=(folder / "corpus.txt").read_text(encoding="utf-8"))


def from_top_level_line(text: str) -> str:
    """text from its first line that starts a top-level `def` or `class` (so Python can tokenize it)."""
    at = min(k for k in (text.find("\ndef "), text.find("\nclass ")) if k >= 0)
    return text[at + 1:]


# ------------------------------------------------------------------ properties of each character

def properties(text: str) -> dict[str, np.ndarray]:
    """For each character, a number describing where the reader is AFTER reading it.

    - "inside a string": 1 inside a string literal (after its opening quote, before its closing one), else 0;
    - "inside a comment": 1 from a '#' to the end of its line;
    - "bracket depth": how many (, [, { are open (those inside strings and comments do not count);
    - "indentation": leading spaces of the current line read so far;
    - "position in the line": characters since the last newline.
    """
    n = len(text)
    line_starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]

    def offset(row_col):
        row, col = row_col
        return line_starts[row - 1] + col

    in_string, in_comment, depth_change = np.zeros(n), np.zeros(n), np.zeros(n)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            a, b = offset(tok.start), offset(tok.end)
            if tok.type == tokenize.STRING:
                in_string[a:b - 1] = 1
            elif tok.type == tokenize.COMMENT:
                in_comment[a:b] = 1
            elif tok.type == tokenize.OP and tok.string in "([{":
                depth_change[a] += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth_change[a] -= 1
    except (tokenize.TokenError, IndentationError, SyntaxError) as e:
        raise ValueError(f"properties: Python cannot tokenize the text ({e}); start it at a top-level line") from e
    column, indentation = np.zeros(n), np.zeros(n)
    col = indent = 0
    leading = True
    for k, ch in enumerate(text):
        if ch == "\n":
            col = indent = 0
            leading = True
        else:
            col += 1
            if leading and ch == " ":
                indent += 1
            else:
                leading = False
        column[k], indentation[k] = col, indent
    return {"inside a string": in_string, "inside a comment": in_comment,
            "bracket depth": np.cumsum(depth_change), "indentation": indentation, "position in the line": column}


# ------------------------------------------------------------------ cells against properties

def correlations(values: np.ndarray, prop: np.ndarray) -> np.ndarray:
    """Pearson's r between each column of values (T, H) and prop (T,): one r per cell."""
    v = values - values.mean(axis=0)
    p = prop - prop.mean()
    denom = np.sqrt((v * v).sum(axis=0) * (p * p).sum())
    return (v * p[:, None]).sum(axis=0) / np.where(denom == 0, np.inf, denom)


@dataclass(frozen=True)
class Finding:
    prop: str
    cell: int
    r: float                # the best cell's correlation (signed)
    second_r: float         # the runner-up's, for scale
    untrained_r: float      # the best |r| among the UNTRAINED network's cells, signed: chance level


def best_cells(activations: np.ndarray, untrained: np.ndarray, props: dict[str, np.ndarray]) -> list[Finding]:
    """For each property, the cell whose tanh(C_t) correlates most strongly with it (by |r|)."""
    found = []
    for name, prop in props.items():
        r = correlations(activations, prop)
        order = np.argsort(-np.abs(r))
        r0 = correlations(untrained, prop)
        k0 = int(np.argmax(np.abs(r0)))
        found.append(Finding(name, int(order[0]), float(r[order[0]]), float(r[order[1]]), float(r0[k0])))
    return found


def saturation(gate: np.ndarray, low=0.1, high=0.9) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, the fraction of characters at which the gate is below `low` and above `high`."""
    return (gate < low).mean(axis=0), (gate > high).mean(axis=0)
