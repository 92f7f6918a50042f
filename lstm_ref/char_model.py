"""A character-level language model: an LSTM reads text one character at a time and predicts the next.

Built only from this package's parts (lstm_forward / lstm_backward, linear,
clip_gradients, adam_step) plus a softmax readout. `tools/train_char_lstm.py`
(`make train`) trains it on a fixed excerpt of the Python standard library's
source and saves the result; the book's chapter "Looking inside a trained LSTM"
loads it and looks at its cells, after Karpathy, Johnson & Fei-Fei (2015),
"Visualizing and Understanding Recurrent Networks".

The parameters are ONE flat dict: the LSTM's ("W_f", "b_f", ..., "W_o", "b_o")
and the readout's ("W_y", "b_y"), so one Adam state covers them all.
"""
from dataclasses import dataclass

import numpy as np

# The package's public API (this module is not imported by lstm_ref/__init__, so the package is complete here).
from . import adam_step, clip_gradients, init_linear, init_lstm, linear, linear_backward, lstm_backward, lstm_forward
from .lstm import GATE_KEYS as LSTM_KEYS

# The alphabet is fixed, not read from the text: printable ASCII and the newline.
ALPHABET = "\n" + "".join(chr(c) for c in range(32, 127))
INDEX = {ch: k for k, ch in enumerate(ALPHABET)}


def encode(text):
    """The text as alphabet indices (an int array); a ValueError names the first character outside it."""
    bad = next((ch for ch in text if ch not in INDEX), None)
    if bad is not None:
        raise ValueError(f"encode: {bad!r} is not in the alphabet (printable ASCII and newline); "
                         f"replace it before training")
    return np.array([INDEX[ch] for ch in text], dtype=np.int64)


def decode(ids):
    return "".join(ALPHABET[k] for k in ids)


HELD_OUT_FRACTION = 0.1     # the last 10 % of a corpus is never trained on


def split(text):
    """(training ids, held-out ids): the text's first 90 % and last 10 %, as alphabet indices."""
    ids = encode(text)
    cut = held_out_start(text)
    return ids[:cut], ids[cut:]


def held_out_start(text):
    """Index of the text's first held-out character."""
    return int(len(text) * (1 - HELD_OUT_FRACTION))


def one_hot(ids, size=len(ALPHABET)):
    """ids shaped (T, ...) → float64 one-hot vectors shaped (T, ..., size)."""
    ids = np.asarray(ids)
    out = np.zeros(ids.shape + (size,))
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


def softmax(logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(logits, targets):
    """Mean of -log p(target) over every position, p = softmax(logits); returns (loss, dL/dlogits).

    logits (..., V), targets (...) integer classes. The gradient is (p - onehot(target)) / count.
    """
    p = softmax(logits)
    flat_p = p.reshape(-1, p.shape[-1])
    flat_t = np.asarray(targets).reshape(-1)
    rows = np.arange(flat_t.size)
    loss = float(-np.mean(np.log(flat_p[rows, flat_t])))
    d = flat_p.copy()
    d[rows, flat_t] -= 1
    return loss, (d / flat_t.size).reshape(p.shape)


def init_char_model(hidden_size, seed=0):
    """LSTM (alphabet → hidden, forget bias 1) and readout (hidden → alphabet) parameters, one flat dict."""
    params = init_lstm(len(ALPHABET), hidden_size, seed=seed)
    readout = init_linear(hidden_size, len(ALPHABET), seed=seed + 1)
    params["W_y"], params["b_y"] = readout["W"], readout["b"]
    return params


def lstm_part(params):
    return {k: params[k] for k in LSTM_KEYS}


def loss_and_grads(params, ids):
    """Cross-entropy of predicting ids[1:] from ids[:-1] (ids shaped (T + 1, B)), and every gradient.

    Each sequence starts from zero states (no state carried between batches), so
    a step depends only on the parameters and the batch: that makes training
    reproducible from the seed alone.
    """
    xs, targets = one_hot(ids[:-1]), ids[1:]
    out = lstm_forward(xs, lstm_part(params))
    h = out["h"].reshape(-1, out["h"].shape[-1])            # every step of every sequence: one readout batch
    loss, d_logits = softmax_cross_entropy(linear(h, params["W_y"], params["b_y"]), targets.reshape(-1))
    back = linear_backward(d_logits, h, params["W_y"])
    grads = lstm_backward(back["h"].reshape(out["h"].shape), out, lstm_part(params))
    grads = {k: grads[k] for k in LSTM_KEYS}
    grads["W_y"], grads["b_y"] = back["W"], back["b"]
    return loss, grads


@dataclass(frozen=True)
class TrainingSetup:
    """Everything that decides a training run: with the same text and setup, the same losses."""
    hidden_size: int = 64
    seq_len: int = 64
    batch: int = 32
    steps: int = 2500
    lr: float = 4e-3
    clip: float = 5.0
    seed: int = 0


def batch_ids(ids, setup, rng):
    """A batch of `setup.batch` random windows of seq_len + 1 characters, shaped (seq_len + 1, batch)."""
    starts = rng.integers(0, ids.size - setup.seq_len - 1, size=setup.batch)
    return np.stack([ids[s:s + setup.seq_len + 1] for s in starts], axis=1)


def train(train_ids, setup, steps=None, on_step=None):
    """Trains a model from scratch on train_ids; returns (params, losses), one training loss per step.

    steps (default setup.steps) stops early: the first N losses of a longer run
    are the same numbers. on_step(step, params), if given, is called after each
    update (step counts from 1).
    """
    rng = np.random.default_rng(setup.seed)
    params = init_char_model(setup.hidden_size, seed=setup.seed)
    adam, losses = {}, []
    for step in range(1, (setup.steps if steps is None else steps) + 1):
        loss, grads = loss_and_grads(params, batch_ids(train_ids, setup, rng))
        adam_step(params, clip_gradients(grads, setup.clip), adam, lr=setup.lr)
        losses.append(loss)
        if on_step is not None:
            on_step(step, params)
    return params, np.array(losses)


def evaluate(params, ids, seq_len=256):
    """Mean cross-entropy (nats per character) over ids, read in consecutive windows from zero states."""
    n = (ids.size - 1) // seq_len
    windows = np.stack([ids[k * seq_len:k * seq_len + seq_len + 1] for k in range(n)], axis=1)
    out = lstm_forward(one_hot(windows[:-1]), lstm_part(params))
    h = out["h"].reshape(-1, out["h"].shape[-1])
    loss, _ = softmax_cross_entropy(linear(h, params["W_y"], params["b_y"]), windows[1:].reshape(-1))
    return loss


def run(params, text):
    """lstm_forward over one text (from zero states): the dict of h, c, f, i, c_tilde, o, each (len(text), H)."""
    return lstm_forward(one_hot(encode(text)), lstm_part(params))


def sample(params, prompt, length, seed=0, temperature=0.8):
    """prompt followed by `length` characters drawn one at a time from the model (seeded)."""
    rng = np.random.default_rng(seed)
    p = lstm_part(params)
    H = params["b_f"].shape[0]
    h, c = np.zeros(H), np.zeros(H)
    ids = list(encode(prompt))
    out = lstm_forward(one_hot(ids)[:, None, :], p, h[None], c[None])
    h, c = out["h"][-1], out["c"][-1]
    text = []
    for _ in range(length):
        probs = softmax(linear(h, params["W_y"], params["b_y"])[0] / temperature)
        k = int(rng.choice(len(ALPHABET), p=probs))
        text.append(ALPHABET[k])
        out = lstm_forward(one_hot([[k]]), p, h, c)
        h, c = out["h"][-1], out["c"][-1]
    return prompt + "".join(text)
