"""The catalogue of learners' common mistakes, as answer-cell sources, for the tests and the simulated class.

For each assignment: the correct answer source of every graded function (parsed from solutions/), and per mistake
the answer cell that makes it, the functions whose checks it makes fail (a mistake in `sigmoid` also breaks the
`forget_gate` that calls it) and a substring of the diagnosis the learner (and the feedback) must show.

    from tests.exercises.mistakes import ASSIGNMENTS, MISTAKES, correct_sources, fill
    nb = fill(released_notebook, {**correct_sources("02_forget_gate"), "forget_gate": MISTAKES[...].source})

A filled notebook's score: 3 points per function (1 visible + 2 hidden), 0 for each function in `failing` (1 if
the mistake `keeps_visible_point`): `Mistake.score()`.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

from lstm_checks.spec import EXERCISES, SPECS

ROOT = Path(__file__).resolve().parents[2]

# assignment id → (notebook name, graded functions in notebook order), from the graded functions' specs
ASSIGNMENTS = {exercise: (exercise.split("_", 1)[1], functions) for exercise, functions in EXERCISES.items()}
POINTS_PER_FUNCTION = 3  # visible test cell 1 + hidden test cell 2

# Functions that call another graded function of the same notebook, directly or through another one (lstm_backward
# calls lstm_cell_backward, which calls gate_backward): a mistake in the callee fails them too.
def _callers_of(callee):
    direct = [name for name, spec in SPECS.items() if callee in spec.calls]
    return tuple(dict.fromkeys(direct + [c for name in direct for c in _callers_of(name)]))


CALLERS = {callee: _callers_of(callee) for callee in sorted({c for spec in SPECS.values() for c in spec.calls})}

# The catalogue's mistakes (the list), and extra ones some functions also diagnose.
CATALOGUE = ("wrong_shape", "no_sigmoid", "tanh_sigmoid_swapped", "xh_order", "w_transposed", "bias_missing",
             "gates_swapped", "h_without_output_gate", "input_mutated")


def solution_path(assignment):
    return ROOT / "solutions" / assignment / f"{ASSIGNMENTS[assignment][0]}.ipynb"


def release_path(assignment):
    return ROOT / "exercises" / assignment / f"{ASSIGNMENTS[assignment][0]}.ipynb"


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def correct_sources(assignment):
    """{grade_id: answer-cell source} of every answer cell of the solution notebook, solution markers removed: each
    graded function's, and the ungraded ones a notebook may also have (09_train's `your_lstm`, where learners paste
    their LSTM from exercises 6 and 7)."""
    nb = nbformat.read(solution_path(assignment), as_version=4)
    return {grade_id(c): _MARKER.sub("", c.source) for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")}


def fill(nb, sources):
    """A copy of the notebook `nb` with the answer cells named in `sources` ({grade_id: source}) replaced."""
    nb = nbformat.from_dict(nb)
    found = set()
    for cell in nb.cells:
        if grade_id(cell) in sources:
            cell.source = sources[grade_id(cell)]
            found.add(grade_id(cell))
    missing = set(sources) - found
    if missing:
        raise KeyError(f"no answer cell for {sorted(missing)}")
    return nb


@dataclass(frozen=True)
class Mistake:
    assignment: str
    name: str          # a CATALOGUE name, or a function-specific one
    function: str      # the answer cell that holds the mistake
    source: str        # that answer cell's whole source
    diagnosis: str     # a substring of the message the check shows
    failing: tuple     # every graded function of the notebook whose self-check fails
    # True if the grader still gives the visible point (its visible verdict compares the float64 visible cases
    # only; the self-check also tries float32): such a mistake loses the 2 hidden points per failing function.
    keeps_visible_point: bool = False

    def score(self):
        functions = ASSIGNMENTS[self.assignment][1]
        kept = len(self.failing) if self.keeps_visible_point else 0
        return POINTS_PER_FUNCTION * (len(functions) - len(self.failing)) + kept


def _m(assignment, name, function, diagnosis, source, also_fails=None, keeps_visible_point=False):
    failing = (function,) + (CALLERS.get(function, ()) if also_fails is None else also_fails)
    return Mistake(assignment, name, function, textwrap.dedent(source).strip() + "\n", diagnosis, failing,
                   keeps_visible_point)


_SIG = "1 / (1 + np.exp(-({})))"


def _gate_mistakes(a, fn, W, b):
    sig = "sigmoid"
    head = f"def {fn}(h_prev, x, {W}, {b}):\n    hx = np.concatenate([h_prev, x], axis=-1)\n"
    return [
        _m(a, "no_sigmoid", fn, "values outside (0, 1): a gate must pass", head + f"    return hx @ {W}.T + {b}"),
        _m(a, "tanh_sigmoid_swapped", fn, "used tanh where a gate needs sigmoid",
           head + f"    return np.tanh(hx @ {W}.T + {b})"),
        _m(a, "xh_order", fn, "concatenated [x, h_prev] instead of [h_prev, x]",
           f"def {fn}(h_prev, x, {W}, {b}):\n    return {sig}(np.concatenate([x, h_prev], axis=-1) @ {W}.T + {b})"),
        _m(a, "w_transposed", fn, "Each W has shape (H, H + D)", head + f"    return {sig}(hx @ {W} + {b})"),
        _m(a, "bias_missing", fn, f"left out the bias: add `{b}`", head + f"    return {sig}(hx @ {W}.T)"),
        _m(a, "wrong_shape", fn, "returned shape (1, 3)",
           head + f"    return {sig}(np.atleast_2d(hx) @ {W}.T + {b})"),
    ]


def _catalogue():
    out = []
    a = "01_rnn"
    head = "def rnn_cell(h_prev, x, W, b):\n    hx = np.concatenate([h_prev, x], axis=-1)\n"
    out += [
        _m(a, "wrong_shape", "rnn_cell", "returned shape (6,)", head + "    return np.tanh(hx @ W.T + b).ravel()"),
        _m(a, "tanh_sigmoid_swapped", "rnn_cell", "used sigmoid where the plain RNN uses tanh",
           head + "    return " + _SIG.format("hx @ W.T + b")),
        _m(a, "xh_order", "rnn_cell", "concatenated [x, h_prev] instead of [h_prev, x]",
           "def rnn_cell(h_prev, x, W, b):\n    return np.tanh(np.concatenate([x, h_prev], axis=-1) @ W.T + b)"),
        _m(a, "w_transposed", "rnn_cell", "Each W has shape (H, H + D)", head + "    return np.tanh(hx @ W + b)"),
        _m(a, "bias_missing", "rnn_cell", "left out the bias: add `b`", head + "    return np.tanh(hx @ W.T)"),
        _m(a, "input_mutated", "rnn_cell", "changed its input `h_prev` in place",
           head + "    h_prev[...] = np.tanh(hx @ W.T + b)\n    return h_prev"),
        _m(a, "no_squash", "rnn_cell", "without squashing it", head + "    return hx @ W.T + b"),
        _m(a, "wrong_shape", "rnn_forward", "keep every step's state and `np.stack` them", """
            def rnn_forward(xs, params, h0=None):
                h = np.zeros(xs.shape[1:-1] + params["b"].shape) if h0 is None else h0
                for x in xs:
                    h = rnn_cell(h, x, params["W"], params["b"])
                return {"h": h}"""),
        _m(a, "input_mutated", "rnn_forward", "changed its input `h0` in place", """
            def rnn_forward(xs, params, h0=None):
                h = np.zeros(xs.shape[1:-1] + params["b"].shape) if h0 is None else h0
                hs = []
                for x in xs:
                    h[...] = rnn_cell(h, x, params["W"], params["b"])
                    hs.append(h.copy())
                return {"h": np.stack(hs)}"""),
        _m(a, "dtype_lost", "rnn_forward", "keep the inputs' dtype",
           correct_sources(a)["rnn_forward"].replace("dtype=xs.dtype", "dtype=float"), keeps_visible_point=True),
        _m(a, "state_not_carried", "rnn_forward", "started every step from h0", """
            def rnn_forward(xs, params, h0=None):
                h0 = np.zeros(xs.shape[1:-1] + params["b"].shape) if h0 is None else h0
                return {"h": np.stack([rnn_cell(h0, x, params["W"], params["b"]) for x in xs])}"""),
    ]
    a = "02_forget_gate"
    out += [
        _m(a, "tanh_sigmoid_swapped", "sigmoid", "sigmoid returned tanh(z)", "def sigmoid(z):\n    return np.tanh(z)"),
        _m(a, "sign_flipped", "sigmoid", "the exponent needs a minus sign",
           "def sigmoid(z):\n    return 1 / (1 + np.exp(z))"),
        # forget_gate hands sigmoid a fresh temporary, so only sigmoid's own check sees the mutation.
        _m(a, "input_mutated", "sigmoid", "changed its input `z` in place",
           "def sigmoid(z):\n    z[...] = 1 / (1 + np.exp(-z))\n    return z", also_fails=()),
        _m(a, "wrong_shape", "sigmoid", "returned shape (1, 3)",
           "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.atleast_2d(z)))"),
    ] + _gate_mistakes(a, "forget_gate", "W_f", "b_f")
    a = "03_input_gate"
    head = "def candidate(h_prev, x, W_C, b_C):\n    hx = np.concatenate([h_prev, x], axis=-1)\n"
    out += _gate_mistakes(a, "input_gate", "W_i", "b_i") + [
        _m(a, "tanh_sigmoid_swapped", "candidate", "candidate used sigmoid where it needs tanh",
           head + "    return sigmoid(hx @ W_C.T + b_C)"),
        _m(a, "xh_order", "candidate", "concatenated [x, h_prev] instead of [h_prev, x]",
           "def candidate(h_prev, x, W_C, b_C):\n    return np.tanh(np.concatenate([x, h_prev], axis=-1) @ W_C.T + b_C)"),
        _m(a, "bias_missing", "candidate", "left out the bias: add `b_C`", head + "    return np.tanh(hx @ W_C.T)"),
        _m(a, "w_transposed", "candidate", "Each W has shape (H, H + D)", head + "    return np.tanh(hx @ W_C + b_C)"),
        _m(a, "batch_only", "candidate", "works on a single vector but not on a batch",
           head + "    return np.tanh(W_C @ hx + b_C)"),
        _m(a, "no_squash", "candidate", "without squashing it", head + "    return hx @ W_C.T + b_C"),
    ]
    a = "04_update_cell"
    head = "def update_cell(c_prev, f, i, c_tilde):\n"
    out += [
        _m(a, "gates_swapped", "update_cell", "mixed up the gates", head + "    return i * c_prev + f * c_tilde"),
        _m(a, "input_mutated", "update_cell", "changed its input `c_prev` in place",
           head + "    c_prev *= f\n    c_prev += i * c_tilde\n    return c_prev"),
        _m(a, "wrong_shape", "update_cell", "returned shape (6,)", head + "    return (f * c_prev + i * c_tilde).ravel()"),
        _m(a, "no_forget", "update_cell", "kept the old state whole", head + "    return c_prev + i * c_tilde"),
    ]
    a = "05_output_gate"
    out += _gate_mistakes(a, "output_gate", "W_o", "b_o") + [
        _m(a, "h_without_output_gate", "hidden_state", "returned tanh(c) without the output gate",
           "def hidden_state(c, o):\n    return np.tanh(c)"),
        _m(a, "tanh_sigmoid_swapped", "hidden_state", "tanh and sigmoid are swapped",
           "def hidden_state(c, o):\n    return o * sigmoid(c)"),
        _m(a, "input_mutated", "hidden_state", "changed its input `c` in place",
           "def hidden_state(c, o):\n    np.tanh(c, out=c)\n    return o * c"),
    ]
    lstm_head = textwrap.dedent("""
        def lstm_cell(h_prev, c_prev, x, params):
            f = forget_gate(h_prev, x, params["W_f"], params["b_f"])
            i = input_gate(h_prev, x, params["W_i"], params["b_i"])
            c_tilde = candidate(h_prev, x, params["W_C"], params["b_C"])
            o = output_gate(h_prev, x, params["W_o"], params["b_o"])
        """).lstrip("\n")
    out += [
        _m(a, "gates_swapped", "lstm_cell", "mixed up the gates",
           lstm_head + "    c = update_cell(c_prev, i, f, c_tilde)\n    return hidden_state(c, o), c"),
        _m(a, "h_without_output_gate", "lstm_cell", "h = tanh(C) without the output gate",
           lstm_head + "    c = update_cell(c_prev, f, i, c_tilde)\n    return np.tanh(c), c"),
        _m(a, "returns_c_h", "lstm_cell", "returned (c, h)",
           lstm_head + "    c = update_cell(c_prev, f, i, c_tilde)\n    return c, hidden_state(c, o)"),
        _m(a, "input_mutated", "lstm_cell", "changed its input `c_prev` in place",
           lstm_head + "    c_prev *= f\n    c_prev += i * c_tilde\n    return hidden_state(c_prev, o), c_prev"),
        _m(a, "bias_missing", "lstm_cell", "left out the biases", """
            def lstm_cell(h_prev, c_prev, x, params):
                f = forget_gate(h_prev, x, params["W_f"], 0)
                i = input_gate(h_prev, x, params["W_i"], 0)
                c_tilde = candidate(h_prev, x, params["W_C"], 0)
                o = output_gate(h_prev, x, params["W_o"], 0)
                c = update_cell(c_prev, f, i, c_tilde)
                return hidden_state(c, o), c"""),
    ]
    a = "06_lstm_forward"
    start = textwrap.dedent("""
        def lstm_forward(xs, params, h0=None, c0=None):
            shape = xs.shape[1:-1] + params["b_f"].shape
            h = np.zeros(shape) if h0 is None else h0
            c = np.zeros(shape) if c0 is None else c0
        """).lstrip("\n")
    out += [
        _m(a, "wrong_shape", "lstm_forward", "keep every step's state and `np.stack` them",
           start + "    for x in xs:\n        h, c = lstm_cell(h, c, x, params)\n    return {\"h\": h, \"c\": c}"),
        _m(a, "state_not_carried", "lstm_forward", "started every step from h0 and c0",
           start + "    steps = [lstm_cell(h, c, x, params) for x in xs]\n"
                   "    return {\"h\": np.stack([s[0] for s in steps]), \"c\": np.stack([s[1] for s in steps])}"),
        _m(a, "input_mutated", "lstm_forward", "changed its input `h0`, `c0` in place",
           start + "    hs, cs = [], []\n    for x in xs:\n        h[...], c[...] = lstm_cell(h, c, x, params)\n"
                   "        hs.append(h.copy())\n        cs.append(c.copy())\n"
                   "    return {\"h\": np.stack(hs), \"c\": np.stack(cs)}"),
        _m(a, "states_shifted", "lstm_forward", "states are one step late",
           start + "    hs, cs = [], []\n    for x in xs:\n        hs.append(h)\n        cs.append(c)\n"
                   "        h, c = lstm_cell(h, c, x, params)\n"
                   "    return {\"h\": np.stack(hs), \"c\": np.stack(cs)}"),
        _m(a, "dtype_lost", "lstm_forward", "keep the inputs' dtype",
           correct_sources(a)["lstm_forward"].replace("dtype=xs.dtype", "dtype=float"), keeps_visible_point=True),
        _m(a, "no_state_key", "lstm_forward", "has no key 'c'",
           start + "    hs = []\n    for x in xs:\n        h, c = lstm_cell(h, c, x, params)\n        hs.append(h)\n"
                   "    return {\"h\": np.stack(hs)}"),
    ]
    a = "07_backprop"
    sigmoid_head, tanh_head = "def sigmoid_backward(d_out, out):\n", "def tanh_backward(d_out, out):\n"
    out += [
        _m(a, "used_as_input", "sigmoid_backward", "treated `out` as the input z",
           sigmoid_head + "    return d_out * sigmoid(out) * (1 - sigmoid(out))"),
        _m(a, "no_upstream", "sigmoid_backward", "returned the derivative alone", sigmoid_head + "    return out * (1 - out)"),
        _m(a, "tanh_sigmoid_swapped", "sigmoid_backward", "used the derivative of tanh",
           sigmoid_head + "    return d_out * (1 - out**2)"),
        # gate_backward hands its own d_gate to sigmoid_backward; lstm_cell_backward hands it fresh products.
        _m(a, "input_mutated", "sigmoid_backward", "changed its input `d_out` in place",
           sigmoid_head + "    d_out *= out * (1 - out)\n    return d_out", also_fails=("gate_backward",)),
        _m(a, "used_as_input", "tanh_backward", "treated `out` as the input z",
           tanh_head + "    return d_out * (1 - np.tanh(out)**2)"),
        _m(a, "no_upstream", "tanh_backward", "returned the derivative alone", tanh_head + "    return 1 - out**2"),
        _m(a, "tanh_sigmoid_swapped", "tanh_backward", "used the derivative of sigmoid",
           tanh_head + "    return d_out * out * (1 - out)"),
    ]
    gate = correct_sources(a)["gate_backward"]
    out += [
        _m(a, "no_slope", "gate_backward", "skipped the sigmoid", gate.replace("sigmoid_backward(d_gate, gate)", "d_gate")),
        _m(a, "h_x_swapped", "gate_backward", "split the gradient of [h_prev, x] the wrong way round",
           gate.replace("return dhx[..., :H], dhx[..., H:], dW, db",
                        "D = x.shape[-1]\n    return dhx[..., D:], dhx[..., :D], dW, db")),
        _m(a, "wrong_shape", "gate_backward", "Sum the weight and bias gradients over the batch",
           gate.replace("dW = rows.T @ hx.reshape(-1, hx.shape[-1])", "dW = dz[..., :, None] * hx[..., None, :]")),
        _m(a, "w_transposed", "gate_backward", "Each W has shape (H, H + D)", gate.replace("dhx = dz @ W", "dhx = dz @ W.T")),
    ]
    backward = correct_sources(a)["lstm_cell_backward"]
    out += [
        _m(a, "ignores_dc", "lstm_cell_backward", "ignored dc",
           backward.replace("dc_total = dc + tanh_backward(", "dc_total = tanh_backward(")),
        _m(a, "ignores_dh_through_c", "lstm_cell_backward", "left out the path from h_t back into C_t",
           backward.replace("dc_total = dc + tanh_backward(dh * o, tanh_c)", "dc_total = dc")),
        _m(a, "tanh_sigmoid_swapped", "lstm_cell_backward", "The gradient is off through the candidate",
           backward.replace("dz = tanh_backward(dc_total * i, c_tilde)", "dz = sigmoid_backward(dc_total * i, c_tilde)")),
        _m(a, "wrong_shape", "lstm_cell_backward", "Sum the weight and bias gradients over the batch",
           backward.replace('grads["W_C"] = rows.T @ step["hx"].reshape(-1, step["hx"].shape[-1])',
                            'grads["W_C"] = dz[..., :, None] * step["hx"][..., None, :]')),
        _m(a, "output_gate_without_tanh", "lstm_cell_backward", "The gradient is off through the output gate",
           backward.replace('("o", dh * tanh_c, o)', '("o", dh * c, o)')),
    ]
    bptt = correct_sources(a)["lstm_backward"]
    out += [
        _m(a, "dc_not_carried", "lstm_backward", "did not carry the cell state's gradient back",
           bptt.replace("dhs[t] + dh_next, dc_next,", "dhs[t] + dh_next, np.zeros_like(dc_next),")),
        _m(a, "dh_not_carried", "lstm_backward", "dropped the gradient that h_t receives from the next step",
           bptt.replace("dhs[t] + dh_next, dc_next,", "dhs[t], dc_next,")),
        _m(a, "weights_not_summed", "lstm_backward", "kept one step's weight and bias gradients",
           bptt.replace("grads[k] = grads[k] + g[k]", "grads[k] = g[k]")),
        _m(a, "forward_in_time", "lstm_backward", "went forwards in time",
           bptt.replace("for t in reversed(range(len(xs))):", "for t in range(len(xs)):")),
        _m(a, "wrong_shape", "lstm_backward", "That is the shape of one step",
           bptt.replace('grads["xs"][t] = g["x"]', 'grads["xs"] = g["x"]')),
        _m(a, "input_mutated", "lstm_backward", "changed its input `dhs` in place",
           bptt.replace("g = lstm_cell_backward(dhs[t] + dh_next,", "dhs[t] += dh_next\n        g = lstm_cell_backward(dhs[t],")),
    ]
    numerical = correct_sources(a)["numerical_gradient"]
    out += [
        _m(a, "input_mutated", "numerical_gradient", "changed its input `x` in place", """
            def numerical_gradient(f, x, eps=1e-5):
                grad = np.zeros_like(x)
                for k in np.ndindex(x.shape):
                    x[k] += eps
                    f_plus = f(x)
                    x[k] -= 2 * eps
                    grad[k] = (f_plus - f(x)) / (2 * eps)
                return grad"""),
        _m(a, "half_step", "numerical_gradient", "divides by the whole width",
           numerical.replace("/ (2 * eps)", "/ eps")),
    ]
    a = "08_variants"
    gru = correct_sources(a)["gru_cell"]
    peephole = correct_sources(a)["peephole_lstm_cell"]
    out += [
        _m(a, "pytorch_convention", "gru_cell", "used the other convention",
           gru.replace("(1 - z) * h_prev + z * h_tilde", "z * h_prev + (1 - z) * h_tilde")),
        _m(a, "reset_after_product", "gru_cell", "applied the reset gate after the matrix product", """
            def gru_cell(h_prev, x, params):
                H = h_prev.shape[-1]
                hx = np.concatenate([h_prev, x], axis=-1)
                z = sigmoid(hx @ params["W_z"].T + params["b_z"])
                r = sigmoid(hx @ params["W_r"].T + params["b_r"])
                W_h = params["W_h"]
                h_tilde = np.tanh(r * (h_prev @ W_h[:, :H].T) + x @ W_h[:, H:].T + params["b_h"])
                return (1 - z) * h_prev + z * h_tilde"""),
        _m(a, "xh_order", "gru_cell", "concatenated [x, h_prev] instead of [h_prev, x]",
           gru.replace("[h_prev, x]", "[x, h_prev]").replace("[r * h_prev, x]", "[x, r * h_prev]")),
        _m(a, "bias_missing", "gru_cell", "left out the biases",
           gru.replace(' + params["b_z"]', "").replace(' + params["b_r"]', "").replace(' + params["b_h"]', "")),
        _m(a, "output_peeks_old_cell", "peephole_lstm_cell", "output gate looked at the old cell state",
           peephole.replace('np.concatenate([c, hx], axis=-1) @ params["W_o"]', 'chx @ params["W_o"]')),
        _m(a, "returns_c_h", "peephole_lstm_cell", "returned (c, h)",
           peephole.replace("return o * np.tanh(c), c", "return c, o * np.tanh(c)")),
        _m(a, "gates_swapped", "peephole_lstm_cell", "mixed up the gates",
           peephole.replace("c = f * c_prev + i * c_tilde", "c = i * c_prev + f * c_tilde")),
        _m(a, "w_transposed", "peephole_lstm_cell", "have 2H + D columns",
           peephole.replace('chx @ params["W_f"]', 'hx @ params["W_f"]')),
    ]
    a = "09_train"
    right = correct_sources(a)
    clip, adam, step, loss = right["clip_gradients"], right["adam_update"], right["train_step"], right["mse_loss"]
    out += [
        _m(a, "wrong_shape", "linear_backward", "Sum the weight and bias gradients over the batch",
           right["linear_backward"].replace('"b": rows.sum(axis=0)', '"b": dy')),
        _m(a, "no_factor_two", "mse_loss", "the derivative of (y - target)² is", loss.replace("2 * diff", "diff")),
        _m(a, "sum_not_mean", "mse_loss", "summed the squared errors",
           loss.replace("np.mean(diff * diff), 2 * diff / diff.size", "np.sum(diff * diff), 2 * diff")),
        _m(a, "sign_flipped", "mse_loss", "dy has the wrong sign", loss.replace("2 * diff /", "-2 * diff /")),
        _m(a, "per_array", "clip_gradients", "clip by the GLOBAL norm", """
            def clip_gradients(grads, max_norm):
                out = {}
                for k, g in grads.items():
                    norm = np.sqrt(np.sum(g * g))
                    out[k] = g * min(1.0, max_norm / (norm + 1e-12))
                return out"""),
        _m(a, "scales_up", "clip_gradients", "clipping only shrinks",
           clip.replace("scale = min(1.0, max_norm / (norm + 1e-12))", "scale = max_norm / (norm + 1e-12)")),
        _m(a, "no_sqrt", "clip_gradients", "used the sum of squares as the norm",
           clip.replace("norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))",
                        "norm = sum(np.sum(g * g) for g in grads.values())")),
        _m(a, "input_mutated", "clip_gradients", "changed its input", """
            def clip_gradients(grads, max_norm):
                norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
                for g in grads.values():
                    g *= min(1.0, max_norm / (norm + 1e-12))
                return grads""", also_fails=()),  # train_step hands it fresh gradients: only its own check sees it
        _m(a, "no_bias_correction", "adam_update", "left out the bias correction",
           adam.replace("m_hat = m / (1 - beta1**t)", "m_hat = m").replace("v_hat = v / (1 - beta2**t)", "v_hat = v")),
        _m(a, "ascent", "adam_update", "moved the parameters UP the gradient", adam.replace("p - lr *", "p + lr *")),
        _m(a, "sqrt_missing", "adam_update", "divided by v_hat instead of its square root",
           adam.replace("np.sqrt(v_hat) + eps", "v_hat + eps")),
        _m(a, "no_clip", "train_step", "updated with the unclipped gradients",
           step.replace("    grads = clip_gradients(grads, max_norm)\n", "")),
        _m(a, "dh_at_every_step", "train_step", "sent the readout's gradient into every step",
           step.replace('dhs[-1] = readout["h"]', 'dhs[:] = readout["h"]')),
        _m(a, "readout_not_trained", "train_step", "did not update the readout", """
            def train_step(params, adam, xs, target, lr=0.01, max_norm=1.0):
                lstm_params = {k: params[k] for k in LSTM_KEYS}
                hs = lstm_forward(xs, lstm_params)["h"]
                loss, dy = mse_loss(linear(hs[-1], params["W_y"], params["b_y"]), target)
                dhs = np.zeros_like(hs)
                dhs[-1] = linear_backward(dy, hs[-1], params["W_y"])["h"]
                g_lstm = lstm_backward(dhs, xs, lstm_params)
                grads = clip_gradients({k: g_lstm[k] for k in LSTM_KEYS}, max_norm)
                t = adam["t"] + 1
                new_params, m, v = dict(params), dict(adam["m"]), dict(adam["v"])
                for k in LSTM_KEYS:
                    new_params[k], m[k], v[k] = adam_update(params[k], grads[k], adam["m"][k], adam["v"][k], t, lr)
                return loss, new_params, {"t": t, "m": m, "v": v}"""),
        _m(a, "input_mutated", "train_step", "changed its input", step.replace(
            "    t = adam[\"t\"] + 1\n", "    adam[\"t\"] += 1\n    t = adam[\"t\"]\n")),
    ]
    return out


MISTAKES = {(m.assignment, m.function, m.name): m for m in _catalogue()}


def mistakes_for(assignment):
    return [m for m in MISTAKES.values() if m.assignment == assignment]
