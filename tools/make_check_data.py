"""Writes lstm_checks/expected.json: lstm_ref's outputs on the visible cases, and the outputs of each known mistake.

The self-checks run where lstm_ref cannot be imported (the grading kernel), so the values they compare against are
computed here, once, and stored. Every mistake is lstm_ref itself on transformed arguments (weight columns swapped,
biases zeroed, gates swapped, a gate forced to 1, ...) or lstm_ref's pieces put together the wrong way.

    .venv/bin/python tools/make_check_data.py          # rewrite the file
    .venv/bin/python tools/make_check_data.py --check  # exit 1 if the stored file differs from lstm_ref now
"""
from __future__ import annotations

import argparse
import json
import sys
from operator import attrgetter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lstm_ref as R  # noqa: E402
from lstm_checks.cases import inputs  # noqa: E402
from lstm_checks.compare import DATA_FILE, all_close, encode  # noqa: E402
from lstm_checks.spec import SPECS  # noqa: E402

FORCE_ONE = 50.0  # sigmoid(50) == 1.0 in float64: a gate with zero weights and this bias is always open


def swap_hx(W, H):
    """Columns reordered so that W'·[h, x] == W·[x, h] (the learner concatenated [x, h])."""
    D = W.shape[1] - H
    return np.concatenate([W[:, D:], W[:, :D]], axis=1)


def cell_last(W, H):
    """Columns reordered so that W'·[c, h, x] == W·[h, x, c]."""
    return np.concatenate([W[:, -H:], W[:, :-H]], axis=1)


def with_params(params, **changes):
    out = dict(params)
    out.update(changes)
    return out


def zero_biases(params):
    return {k: (np.zeros_like(v) if k.startswith("b_") else v) for k, v in params.items()}


def all_swapped(params, H, keys):
    return with_params(params, **{k: swap_hx(params[k], H) for k in keys})


def forward_difference(f, x, eps=1e-5):
    """The one-sided estimate (f(x + eps) - f(x)) / eps, a learner's less accurate variant of lstm_ref's."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    f_here = f(x)
    for k in np.ndindex(x.shape):
        saved = x[k]
        x[k] = saved + eps
        grad[k] = (f(x) - f_here) / eps
        x[k] = saved
    return grad


def train_step_variant(params, adam, xs, target, lr, max_norm, dh_at_every_step=False, train_readout=True):
    """lstm_ref.train_step with one of two learners' mistakes: the readout's gradient sent into every step's h, or
    the readout left out of clipping and of the update (its parameters and Adam state returned unchanged)."""
    lstm = {k: params[k] for k in R.train.LSTM_KEYS}
    run = R.lstm_forward(xs, lstm)
    loss, dy = R.mse_loss(R.linear(run["h"][-1], params["W_y"], params["b_y"]), target)
    readout = R.linear_backward(dy, run["h"][-1], params["W_y"])
    dhs = np.zeros_like(run["h"])
    if dh_at_every_step:
        dhs[...] = readout["h"]
    else:
        dhs[-1] = readout["h"]
    grads = {k: g for k, g in R.lstm_backward(dhs, run, lstm).items() if k in lstm}
    if train_readout:
        grads.update(W_y=readout["W"], b_y=readout["b"])
    grads = R.clip_gradients(grads, max_norm)
    t = adam["t"] + 1
    new_params, m, v = dict(params), dict(adam["m"]), dict(adam["v"])
    for k in grads:
        new_params[k], m[k], v[k] = R.adam_update(params[k], grads[k], adam["m"][k], adam["v"][k], t, lr)
    return loss, new_params, {"t": t, "m": m, "v": v}


def gate_case(fn_name, args):
    h, x, W, b = args
    ref = getattr(R, fn_name)
    H = h.shape[-1]
    mistakes = {"xh_order": ref(h, x, swap_hx(W, H), b), "no_bias": ref(h, x, W, np.zeros_like(b))}
    # The pre-activation W·[h, x] + b (what a learner returns who forgets to squash) recovered from lstm_ref's
    # output: artanh of the candidate, logit of a gate.
    if fn_name in ("candidate", "rnn_cell"):
        mistakes["sigmoid_for_tanh"] = R.forget_gate(h, x, W, b)
        mistakes["no_tanh"] = np.arctanh(ref(h, x, W, b))
    else:
        mistakes["tanh_for_sigmoid"] = R.candidate(h, x, W, b)
        gate = ref(h, x, W, b)
        mistakes["no_sigmoid"] = np.log(gate / (1 - gate))
    return ref(h, x, W, b), mistakes


def lstm_parts(h, c_prev, x, p, swap_update=False):
    f = R.forget_gate(h, x, p["W_f"], p["b_f"])
    i = R.input_gate(h, x, p["W_i"], p["b_i"])
    c_tilde = R.candidate(h, x, p["W_C"], p["b_C"])
    c = R.update_cell(c_prev, i, f, c_tilde) if swap_update else R.update_cell(c_prev, f, i, c_tilde)
    o = R.output_gate(h, x, p["W_o"], p["b_o"])
    return c, o


def shifted(first, states):
    """[first, s_1, ..., s_{T-1}]: the states one step late."""
    return np.concatenate([first[None], states[:-1]], axis=0)


def mistaken_bptt(dhs, xs, p, h0=None, c0=None, carry_dc=True, carry_dh=True, sum_weights=True, backwards=True):
    """lstm_ref.lstm.lstm_backward's loop over lstm_cell_backward, with one of its four ingredients left out."""
    shape = xs.shape[1:-1] + p["b_f"].shape
    h, c = (np.zeros(shape) if s is None else s for s in (h0, c0))
    states = []
    for x in xs:
        states.append((h, c))
        h, c = R.lstm_cell(h, c, x, p)
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    grads["xs"] = np.zeros_like(xs)
    dh_next, dc_next = np.zeros(shape), np.zeros(shape)
    for t in (reversed(range(len(xs))) if backwards else range(len(xs))):
        g = R.lstm_cell_backward(dhs[t] + (dh_next if carry_dh else 0), dc_next if carry_dc else None,
                                 *states[t], xs[t], p)
        dh_next, dc_next = g["h_prev"], g["c_prev"]
        grads["xs"][t] = g["x"]
        for k in p:
            grads[k] = grads[k] + g[k] if sum_weights else g[k]
    grads["h0"], grads["c0"] = dh_next, dc_next
    return grads


def reference_output(spec, args, kwargs):
    """What the spec's lstm_ref function returns on one case (only the graded keys of a dict)."""
    out = attrgetter(spec.reference)(R)(*args, **kwargs)     # a name or a dotted path, e.g. lstm.lstm_backward
    return {k: out[k] for k in spec.output_keys} if spec.output_keys else out


def case(spec, args, kwargs):
    """(expected output, {mistake name: output}) for one visible case.

    A function without mistakes needs nothing here: its expected output is its reference's.
    """
    fn_name = spec.name
    if not spec.mistakes:
        return reference_output(spec, args, kwargs), {}
    if fn_name in ("forget_gate", "input_gate", "output_gate", "candidate", "rnn_cell"):
        return gate_case(fn_name, args)
    if fn_name == "sigmoid":
        (z,) = args
        return R.sigmoid(z), {"tanh_for_sigmoid": np.tanh(z), "sign_flipped": R.sigmoid(-z)}
    if fn_name == "update_cell":
        c_prev, f, i, c_tilde = args
        return R.update_cell(c_prev, f, i, c_tilde), {
            "gates_swapped": R.update_cell(c_prev, i, f, c_tilde),
            "no_forget": R.update_cell(c_prev, np.ones_like(f), i, c_tilde)}
    if fn_name == "hidden_state":
        c, o = args
        return R.hidden_state(c, o), {"no_output_gate": R.hidden_state(c, np.ones_like(o)),
                                      "sigmoid_for_tanh": o * R.sigmoid(c), "no_tanh": o * c}
    if fn_name == "lstm_cell":
        h, c_prev, x, p = args
        H = h.shape[-1]
        h_new, c_new = R.lstm_cell(h, c_prev, x, p)
        c_swapped, o_swapped = lstm_parts(h, c_prev, x, p, swap_update=True)
        _, o = lstm_parts(h, c_prev, x, p)
        return (h_new, c_new), {
            "returns_c_h": (c_new, h_new),
            "gates_swapped": (R.hidden_state(c_swapped, o_swapped), c_swapped),
            "no_output_gate": (R.hidden_state(c_new, np.ones_like(c_new)), c_new),
            "old_cell_in_h": (R.hidden_state(c_prev, o), c_new),
            "xh_order": R.lstm_cell(h, c_prev, x, all_swapped(p, H, ("W_f", "W_i", "W_C", "W_o"))),
            "no_bias": R.lstm_cell(h, c_prev, x, zero_biases(p))}
    if fn_name in ("rnn_forward", "lstm_forward"):
        xs, p = args
        ref = getattr(R, fn_name)
        out = ref(xs, p, **kwargs)
        keys = ("h",) if fn_name == "rnn_forward" else ("h", "c")
        state_shape = xs.shape[1:-1] + p["b" if fn_name == "rnn_forward" else "b_f"].shape
        h0 = kwargs.get("h0", np.zeros(state_shape))
        c0 = kwargs.get("c0", np.zeros(state_shape))
        if fn_name == "rnn_forward":
            restarted = {"h": np.stack([R.rnn_cell(h0, x, p["W"], p["b"]) for x in xs])}
        else:
            steps = [R.lstm_cell(h0, c0, x, p) for x in xs]
            restarted = {"h": np.stack([s[0] for s in steps]), "c": np.stack([s[1] for s in steps])}
        starts = {"h": h0, "c": c0}
        return {k: out[k] for k in keys}, {
            "state_not_carried": restarted,
            "states_shifted": {k: shifted(starts[k], out[k]) for k in keys}}
    if fn_name in ("sigmoid_backward", "tanh_backward"):
        d_out, out = args
        ref, other = ((R.sigmoid_backward, R.tanh_backward) if fn_name == "sigmoid_backward"
                      else (R.tanh_backward, R.sigmoid_backward))
        squash = R.sigmoid if fn_name == "sigmoid_backward" else np.tanh
        return ref(d_out, out), {"used_as_input": ref(d_out, squash(out)), "no_upstream": ref(np.ones_like(d_out), out),
                                 "other_derivative": other(d_out, out)}
    if fn_name == "gate_backward":
        d_gate, gate, h, x, W = args
        H, D = h.shape[-1], x.shape[-1]
        dh, dx, dW, db = R.gate_backward(d_gate, gate, h, x, W)
        dhx = np.concatenate([dh, dx], axis=-1)
        # Without σ' the gate's gradient goes straight into the layer: lstm_ref's layer_backward on d_gate.
        return (dh, dx, dW, db), {"no_slope": R.core.layer_backward(d_gate, h, x, W),
                                  "h_x_swapped": (dhx[..., D:], dhx[..., :D], dW, db)}
    if fn_name == "lstm_backward":
        dhs, xs, p = args
        return reference_output(spec, args, kwargs), {
            "dc_not_carried": mistaken_bptt(dhs, xs, p, **kwargs, carry_dc=False),
            "dh_not_carried": mistaken_bptt(dhs, xs, p, **kwargs, carry_dh=False),
            "weights_not_summed": mistaken_bptt(dhs, xs, p, **kwargs, sum_weights=False),
            "forward_in_time": mistaken_bptt(dhs, xs, p, **kwargs, backwards=False)}
    if fn_name == "lstm_cell_backward":
        dh, dc, h, c_prev, x, p = args
        grads = R.lstm_cell_backward(dh, dc, h, c_prev, x, p)
        _, c = R.lstm_cell(h, c_prev, x, p)
        o = R.output_gate(h, x, p["W_o"], p["b_o"])
        # The backward pass is linear in (dh, dc): removing dh's path into C_t subtracts the gradients that
        # dc = dh * o * tanh'(C_t) alone would give.
        through_c = R.lstm_cell_backward(np.zeros_like(dh), dh * o * (1 - np.tanh(c) ** 2), h, c_prev, x, p)
        keys = list(grads)
        return grads, {
            "ignores_dc": R.lstm_cell_backward(dh, np.zeros_like(dc), h, c_prev, x, p),
            "ignores_dh_through_c": {k: grads[k] - through_c[k] for k in keys}}
    if fn_name == "numerical_gradient":
        f, x = args
        grad = R.numerical_gradient(f, x.copy())
        return grad, {"half_step": 2 * grad, "forward_difference": forward_difference(f, x)}
    if fn_name == "gru_cell":
        h, x, p = args
        H = h.shape[-1]
        h_new = R.gru_cell(h, x, p)
        # z forced to 1 leaves only the candidate h~; PyTorch's z * h + (1 - z) * h~ equals h + h~ - h_essay.
        h_tilde = R.gru_cell(h, x, with_params(p, W_z=np.zeros_like(p["W_z"]), b_z=np.full_like(p["b_z"], FORCE_ONE)))
        return h_new, {
            "pytorch_convention": h + h_tilde - h_new,
            "reset_after_product": R.gru_cell(h, x, with_params(p, b_hn=np.zeros_like(p["b_h"])), reset_after=True),
            "no_reset": R.gru_cell(h, x, with_params(p, W_r=np.zeros_like(p["W_r"]),
                                                      b_r=np.full_like(p["b_r"], FORCE_ONE))),
            "xh_order": R.gru_cell(h, x, all_swapped(p, H, ("W_z", "W_r", "W_h"))),
            "no_bias": R.gru_cell(h, x, zero_biases(p))}
    if fn_name == "peephole_lstm_cell":
        h, c_prev, x, p = args
        H = h.shape[-1]
        h_new, c_new = R.peephole_lstm_cell(h, c_prev, x, p)
        hx = np.concatenate([h, x], axis=-1)
        # forget_gate(a, b, W, bias) is σ(W·[a, b] + bias): with a = a cell state and b = [h, x] it is a peephole gate.
        o_old = R.forget_gate(c_prev, hx, p["W_o"], p["b_o"])
        f = R.forget_gate(c_prev, hx, p["W_f"], p["b_f"])
        i = R.forget_gate(c_prev, hx, p["W_i"], p["b_i"])
        c_swapped = R.update_cell(c_prev, i, f, R.candidate(h, x, p["W_C"], p["b_C"]))
        o_swapped = R.forget_gate(c_swapped, hx, p["W_o"], p["b_o"])
        return (h_new, c_new), {
            "returns_c_h": (c_new, h_new),
            "output_peeks_old_cell": (R.hidden_state(c_new, o_old), c_new),
            "cell_last": R.peephole_lstm_cell(h, c_prev, x, with_params(
                p, **{k: cell_last(p[k], H) for k in ("W_f", "W_i", "W_o")})),
            "gates_swapped": (R.hidden_state(c_swapped, o_swapped), c_swapped)}
    if fn_name == "mse_loss":
        loss, dy = R.mse_loss(*args)
        return (loss, dy), {"no_factor_two": (loss, dy / 2), "sum_not_mean": (loss * dy.size, dy * dy.size),
                            "sign_flipped": (loss, -dy)}
    if fn_name == "clip_gradients":
        grads, max_norm = args
        norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
        return R.clip_gradients(grads, max_norm), {
            "per_array": {k: R.clip_gradients({k: g}, max_norm)[k] for k, g in grads.items()},
            "scales_up": {k: g * (max_norm / norm) for k, g in grads.items()},
            "no_sqrt": {k: g * min(1.0, max_norm / norm**2) for k, g in grads.items()}}
    if fn_name == "adam_update":
        p, g, m, v, t = args
        lr = kwargs["lr"]
        new_p, new_m, new_v = R.adam_update(p, g, m, v, t, lr=lr)
        m_hat, v_hat = new_m / (1 - 0.9**t), new_v / (1 - 0.999**t)
        return (new_p, new_m, new_v), {
            "no_bias_correction": (p - lr * new_m / (np.sqrt(new_v) + 1e-8), new_m, new_v),
            "ascent": (2 * p - new_p, new_m, new_v),
            "sqrt_missing": (p - lr * m_hat / (v_hat + 1e-8), new_m, new_v)}
    if fn_name == "train_step":
        lr, max_norm = kwargs["lr"], kwargs["max_norm"]
        return R.train_step(*args, **kwargs), {
            "no_clip": R.train_step(*args, lr=lr, max_norm=np.inf),
            "dh_at_every_step": train_step_variant(*args, lr, max_norm, dh_at_every_step=True),
            "readout_not_trained": train_step_variant(*args, lr, max_norm, train_readout=False)}
    raise ValueError(f"{fn_name} declares mistakes {sorted(spec.mistakes)} but make_check_data.py computes none")


def _differs(a, b):
    """True if the self-check would tell the two outputs apart."""
    return not all_close(a, b)


def build():
    functions = {}
    for fn_name, spec in SPECS.items():
        expected, mistakes = [], {name: [] for name in spec.mistakes}
        for args, kwargs in inputs(fn_name, "visible"):
            want, wrong = case(spec, args, kwargs)
            if set(wrong) != set(mistakes):
                raise AssertionError(f"{fn_name}: mistakes computed {sorted(wrong)} != catalogued {sorted(mistakes)}")
            expected.append(encode(want))
            for name, out in wrong.items():
                mistakes[name].append(encode(out))
                mistakes[name][-1]["_differs"] = _differs(out, want)
        for name, outs in mistakes.items():
            # A mistake that gives the right answer on every visible case could never be diagnosed.
            if not any([o.pop("_differs") for o in outs]):
                raise AssertionError(f"{fn_name}: mistake {name!r} gives the expected output on every visible case")
        functions[fn_name] = {"expected": expected, "mistakes": mistakes}
    return {"about": "Generated by tools/make_check_data.py from lstm_ref; do not edit.", "version": 1,
            "functions": functions}


def _same(a, b):
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        if a and isinstance(a[0], float):
            return isinstance(b, list) and len(a) == len(b) and np.allclose(a, b, rtol=1e-12, atol=1e-14)
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored file instead of writing it")
    data = build()
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    if parser.parse_args().check:
        # Numerically, not byte for byte: another BLAS may round the last bit differently.
        same = DATA_FILE.exists() and _same(data, json.loads(DATA_FILE.read_text(encoding="utf-8")))
        print(f"{DATA_FILE.relative_to(ROOT)} is {'up to date' if same else 'OUT OF DATE: run tools/make_check_data.py'}")
        sys.exit(0 if same else 1)
    DATA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {DATA_FILE.relative_to(ROOT)} ({len(text) // 1024} KiB)")


if __name__ == "__main__":
    main()
