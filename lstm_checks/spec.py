"""One declaration per graded function: everything the self-checks, the check data, the hidden tests, the verdict
and the exercise tests need to know about it. Never imports lstm_ref (the grading kernel cannot).

A `GradedFunction` says: its name and arguments, the inputs it is judged on (`build`: the arguments of one case,
for a single vector or a batch; the dtypes it must accept), how close is right (`TOLERANCE`, one rule for every
function), the mistakes it can diagnose and their messages, what its result must look like, where the learner
reads about it, and which lstm_ref function it is compared with, by name.

Adding a graded function = one entry in `SPECS` plus its reference function in lstm_ref (and, for each of its
mistakes, how lstm_ref computes that mistake's output: tools/make_check_data.py).

Argument orders and parameter keys are lstm_ref's: a gate is ``sigmoid(W · [h_prev, x] + b)`` with ``W`` shaped
``(H, H + D)``; peephole gates' ``W_f``, ``W_i``, ``W_o`` are ``(H, 2H + D)`` acting on ``[c, h, x]``; the GRU uses
``W_z, b_z, W_r, b_r, W_h, b_h``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

import numpy as np

from lstm_checks.numbers import ScalarFunction, sig

# How close is right, per output array (expected b, learner's a): max|a - b| <= tol · max(1, max|b|).
TOLERANCE = {np.dtype(np.float64): 1e-6, np.dtype(np.float32): 1e-4}


@dataclass(frozen=True)
class GradedFunction:
    name: str
    arguments: tuple[str, ...]          # its positional arguments, in order (to say which one was changed in place)
    build: Callable                     # (make, H, D, lead, T, **options) → (args, kwargs) of one case, float64
    chapter: str                        # where the learner reads about it
    mistakes: Mapping[str, str] = field(default_factory=dict)   # mistake name → the message that diagnoses it
    reference: str = ""                 # the lstm_ref function it is compared with (default: its own name)
    returns: str = "an array"           # what it returns, in words
    result_names: tuple[str, ...] = ()  # names of a tuple result's parts, e.g. ("h", "c")
    output_keys: tuple[str, ...] = ()   # a dict result: the keys that are graded (others are ignored)
    value_range: tuple | None = None    # ((low, high), message) when every output lies in that open interval
    exercise: str = ""                  # the exercise notebook it is graded in, e.g. "02_forget_gate"
    calls: tuple[str, ...] = ()         # the graded functions of its notebook it calls
    dtypes: tuple[str, ...] = ("float64", "float32")   # the dtypes it must accept (float32 in, float32 out)
    optional_state: bool = False        # h0 (and c0) may be left out: judged with and without them
    large_inputs: bool = False          # also judged on inputs up to ±1000
    label: Callable | None = None       # (D, B) → how a case is described, when not "a batch of B, float64"

    def __post_init__(self):
        if not self.reference:
            object.__setattr__(self, "reference", self.name)


# ---------------------------------------------------------------------------------------------------------------
# Where each function is explained.

CH1 = "Chapter 1, Recurrent neural networks: book/01_rnn.md"
CH3 = "Chapter 3, LSTM networks: book/03_lstm_networks.md"
CH5 = "Chapter 5, The forget gate: book/05_forget_gate.md"
CH6 = "Chapter 6, The input gate and the candidate values: book/06_input_gate.md"
CH7 = "Chapter 7, Updating the cell state: book/07_update_cell.md"
CH8 = "Chapter 8, The output gate and the hidden state: book/08_output_gate.md"
CH9 = "Chapter 9, Variants on LSTMs: book/09_variants.md"
BPTT = "Back-propagation through time: book/backprop_through_time.md"
BACKPROP = f"the plan above the answer cell; {BPTT}"
FORMULA = "the formula above the answer cell"
TRAIN = "the plan above the answer cell; Chapter LSTM against RNN on a long-term dependency: book/10_lstm_vs_rnn.md"


# ---------------------------------------------------------------------------------------------------------------
# The inputs of one case. `make(shape, scale)` gives float64 numbers; `lead` is () for a single vector, (B,) for a
# batch. The order of the `make` calls fixes the visible cases' numbers: keep it.

def weight_scale(H, D):
    """Weights scaled so pre-activations stay in the range where sigmoid and tanh differ clearly."""
    return 1.5 / np.sqrt(H + D)


LSTM_KEYS = ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")   # an LSTM's parameters, as in lstm_ref


def lstm_params(make, H, D):
    params = {}
    for gate in ("f", "i", "C", "o"):
        params[f"W_{gate}"] = make((H, H + D), weight_scale(H, D))
        params[f"b_{gate}"] = make((H,), 0.5)
    return params


def sigmoid_args(make, H, D, lead, T, large=False):
    return (make(lead + (H,), 1000.0 if large else 4.0),), {}


def gate_args(make, H, D, lead, T):
    W, b = make((H, H + D), weight_scale(H, D)), make((H,), 0.5)
    return (make(lead + (H,)), make(lead + (D,)), W, b), {}


def rnn_cell_args(make, H, D, lead, T):
    return (make(lead + (H,)), make(lead + (D,)), make((H, H + D), weight_scale(H, D)), make((H,), 0.5)), {}


def rnn_forward_args(make, H, D, lead, T, with_state=True):
    xs = make((T,) + lead + (D,))
    params = {"W": make((H, H + D), weight_scale(H, D)), "b": make((H,), 0.5)}
    return (xs, params), ({"h0": make(lead + (H,))} if with_state else {})


def update_cell_args(make, H, D, lead, T):
    c_prev = make(lead + (H,), 2.0)
    f = sig(make(lead + (H,), 3.0))
    i = sig(make(lead + (H,), 3.0))
    c_tilde = np.tanh(make(lead + (H,), 2.0))
    return (c_prev, f, i, c_tilde), {}


def hidden_state_args(make, H, D, lead, T):
    c = make(lead + (H,), 2.0)
    o = sig(make(lead + (H,), 3.0))
    return (c, o), {}


def lstm_cell_args(make, H, D, lead, T):
    params = lstm_params(make, H, D)
    return (make(lead + (H,)), make(lead + (H,), 2.0), make(lead + (D,)), params), {}


def lstm_forward_args(make, H, D, lead, T, with_state=True):
    xs = make((T,) + lead + (D,))
    params = lstm_params(make, H, D)
    return (xs, params), ({"h0": make(lead + (H,)), "c0": make(lead + (H,), 2.0)} if with_state else {})


def lstm_cell_backward_args(make, H, D, lead, T):
    dh, dc = make(lead + (H,)), make(lead + (H,))
    h_prev, c_prev, x = make(lead + (H,)), make(lead + (H,), 2.0), make(lead + (D,))
    return (dh, dc, h_prev, c_prev, x, lstm_params(make, H, D)), {}


def slope_args(squash):
    """(d_out, out): an upstream gradient and a squashing function's output, out = squash(z)."""
    def build(make, H, D, lead, T):
        return (make(lead + (H,)), squash(make(lead + (H,), 3.0))), {}

    return build


def gate_backward_args(make, H, D, lead, T):
    d_gate, gate = make(lead + (H,)), sig(make(lead + (H,), 3.0))
    return (d_gate, gate, make(lead + (H,)), make(lead + (D,)), make((H, H + D), weight_scale(H, D))), {}


def lstm_backward_args(make, H, D, lead, T, with_state=True):
    dhs, xs = make((T,) + lead + (H,)), make((T,) + lead + (D,))
    params = lstm_params(make, H, D)
    return (dhs, xs, params), ({"h0": make(lead + (H,)), "c0": make(lead + (H,), 2.0)} if with_state else {})


def numerical_gradient_args(make, H, D, lead, T):
    # x is a vector, or a small matrix standing in for a weight; f is built from the same numbers.
    shape = lead + (D,)
    n = int(np.prod(shape))
    f = ScalarFunction(make((H, n), 1.0 / np.sqrt(n)), make((H,), 0.5), make((H,), 1.0), 0.5)
    return (f, make(shape)), {}


def gru_cell_args(make, H, D, lead, T):
    params = {}
    for gate in ("z", "r", "h"):
        params[f"W_{gate}"] = make((H, H + D), weight_scale(H, D))
        params[f"b_{gate}"] = make((H,), 0.5)
    return (make(lead + (H,)), make(lead + (D,)), params), {}


def peephole_lstm_cell_args(make, H, D, lead, T):
    params = {}
    for gate in ("f", "i", "C", "o"):
        cols = H + D if gate == "C" else 2 * H + D
        params[f"W_{gate}"] = make((H, cols), weight_scale(H, D))
        params[f"b_{gate}"] = make((H,), 0.5)
    return (make(lead + (H,)), make(lead + (H,), 2.0), make(lead + (D,)), params), {}


# The training exercise: a readout y = W_y · h_T + b_y on top of the LSTM, all its parameters in one dict.

def train_params(make, H, D, K):
    params = lstm_params(make, H, D)
    params["W_y"], params["b_y"] = make((K, H), 1.0 / np.sqrt(H)), make((K,), 0.5)
    return params


def linear_backward_args(make, H, D, lead, T):
    K = 2
    return (make(lead + (K,)), make(lead + (H,)), make((K, H))), {}


def mse_loss_args(make, H, D, lead, T):
    K = 2
    return (make(lead + (K,)), make(lead + (K,))), {}


def clip_gradients_args(make, H, D, lead, T):
    # A single vector's case has a joint norm above max_norm (clipped), a batch's case one below it (kept).
    grads = {k: v for k, v in train_params(make, H, D, 2).items()}
    return (grads, 1.0 if not lead else 100.0), {}


def adam_update_args(make, H, D, lead, T):
    shape = lead + (H,)
    p, g, m = make(shape), make(shape), make(shape, 0.1)
    v = make(shape, 0.1) ** 2
    return (p, g, m, v, T - 3 if not lead else T + 3), {"lr": 0.01}


def train_step_args(make, H, D, lead, T):
    K = 2
    params = train_params(make, H, D, K)
    adam = {"t": len(lead) * 3,
            "m": {k: make(v.shape, 0.1) for k, v in params.items()},
            "v": {k: make(v.shape, 0.1) ** 2 for k, v in params.items()}}
    xs, target = make((T,) + lead + (D,)), make(lead + (K,))
    # One sequence: clipped (so a step that skips clipping is caught); a batch: not clipped (so a gradient off by a
    # factor, which clipping would hide, is caught).
    return (params, adam, xs, target), {"lr": 0.01, "max_norm": 0.02 if not lead else 100.0}


# ---------------------------------------------------------------------------------------------------------------
# Mistakes several functions share.

def xh_order(fn, chapter):
    return (f"{fn} concatenated [x, h_prev] instead of [h_prev, x]: the previous hidden state comes first, "
            f"`np.concatenate([h_prev, x], axis=-1)`, because the first H columns of each W multiply h_prev "
            f"({chapter}).")


def no_bias(fn, bias, chapter):
    return f"{fn} left out the bias: add `{bias}` after the product with the weights ({chapter})."


def gate(name, W, b, chapter, calls=()):
    """A sigmoid gate σ(W · [h_prev, x] + b): its spec, mistakes and range."""
    return GradedFunction(
        name, ("h_prev", "x", W, b), gate_args, chapter, calls=calls,
        mistakes={
            "no_sigmoid": (f"{name} returned values outside (0, 1): a gate must pass {W}·[h_prev, x] + {b} "
                           f"through sigmoid ({chapter})."),
            "tanh_for_sigmoid": (f"{name} used tanh where a gate needs sigmoid: tanh gives values in (-1, 1), a "
                                 f"gate must lie in (0, 1). Pass {W}·[h_prev, x] + {b} through `sigmoid` "
                                 f"({chapter})."),
            "xh_order": xh_order(name, chapter),
            "no_bias": no_bias(name, b, chapter)},
        value_range=((0.0, 1.0), f"{name} returned values outside (0, 1): a gate must pass "
                                 f"{W}·[h_prev, x] + {b} through sigmoid"))


def tanh_layer(name, W, b, chapter, what, value_range):
    """tanh(W · [h_prev, x] + b): candidate and rnn_cell."""
    return GradedFunction(
        name, ("h_prev", "x", W, b), gate_args if name == "candidate" else rnn_cell_args, chapter,
        mistakes={
            "no_tanh": (f"{name} returned {W}·[h_prev, x] + {b} without squashing it: pass it through `np.tanh` "
                        f"({chapter})."),
            "sigmoid_for_tanh": f"{name} used sigmoid where {what} ({chapter}).",
            "xh_order": xh_order(name, chapter),
            "no_bias": no_bias(name, b, chapter)},
        value_range=((-1.0, 1.0), value_range))


def slope(name, derivative, other, chapter):
    """sigmoid_backward / tanh_backward: dz = d_out · (the derivative written with out)."""
    return GradedFunction(
        name, ("d_out", "out"), slope_args(sig if name == "sigmoid_backward" else np.tanh), chapter,
        mistakes={
            "used_as_input": (f"{name} treated `out` as the input z: `out` is already the function's output, so the "
                              f"derivative is written with it directly, `d_out * {derivative}` ({chapter})."),
            "no_upstream": (f"{name} returned the derivative alone: the chain rule multiplies it by the gradient "
                            f"arriving from above, `d_out * {derivative}` ({chapter})."),
            "other_derivative": (f"{name} used the derivative of {other}: here it is `d_out * {derivative}` "
                                 f"({chapter}).")})


# ---------------------------------------------------------------------------------------------------------------
# The graded functions, in the course's order.

_SPECS = [
    tanh_layer("rnn_cell", "W", "b", CH1, "the plain RNN uses tanh: h = tanh(W·[h_prev, x] + b)",
               "rnn_cell returned values outside (-1, 1): pass W·[h_prev, x] + b through tanh"),
    GradedFunction(
        "rnn_forward", ("xs", "params"), rnn_forward_args, CH1, returns='a dict {"h": hs}', output_keys=("h",),
        calls=("rnn_cell",), optional_state=True,
        mistakes={
            "state_not_carried": ("rnn_forward started every step from h0: feed each new state into the next "
                                  "step, `h = rnn_cell(h, x, W, b)` inside the loop "
                                  f"({CH1})."),
            "states_shifted": ("rnn_forward's states are one step late: hs[t] must be the state AFTER step t, so "
                               "append the new h after computing it and do not include h0 "
                               f"({CH1}).")}),
    GradedFunction(
        "sigmoid", ("z",), sigmoid_args, CH5, large_inputs=True,
        mistakes={
            "tanh_for_sigmoid": ("sigmoid returned tanh(z): tanh and sigmoid are different squashing functions. "
                                 "The sigmoid is 1 / (1 + np.exp(-z)), with values in (0, 1) "
                                 f"({CH5})."),
            "sign_flipped": ("sigmoid returned 1 / (1 + exp(z)), which is sigmoid(-z): the exponent needs a minus "
                             f"sign, `np.exp(-z)` ({CH5}).")},
        value_range=((0.0, 1.0), "sigmoid returned values outside (0, 1): compute 1 / (1 + np.exp(-z))")),
    gate("forget_gate", "W_f", "b_f", CH5, calls=("sigmoid",)),
    gate("input_gate", "W_i", "b_i", CH6),
    tanh_layer("candidate", "W_C", "b_C", CH6,
               "it needs tanh: the candidate values lie in (-1, 1) so they can raise or lower the cell state. Use "
               "`np.tanh(W_C·[h_prev, x] + b_C)`",
               "candidate returned values outside (-1, 1): pass W_C·[h_prev, x] + b_C through tanh"),
    GradedFunction(
        "update_cell", ("c_prev", "f", "i", "c_tilde"), update_cell_args, CH7,
        mistakes={
            "gates_swapped": ("update_cell mixed up the gates: it computed i * c_prev + f * c_tilde. The forget "
                              "gate scales the OLD state and the input gate the candidate: f * c_prev + i * c_tilde "
                              f"({CH7})."),
            "no_forget": ("update_cell kept the old state whole: multiply c_prev by the forget gate, "
                          f"f * c_prev + i * c_tilde ({CH7}).")}),
    gate("output_gate", "W_o", "b_o", CH8),
    GradedFunction(
        "hidden_state", ("c", "o"), hidden_state_args, CH8,
        mistakes={
            "no_output_gate": ("hidden_state returned tanh(c) without the output gate: multiply by o, "
                               f"`o * np.tanh(c)` ({CH8})."),
            "sigmoid_for_tanh": ("hidden_state used sigmoid where it needs tanh: tanh and sigmoid are swapped. The "
                                 f"cell state is squashed with tanh: `o * np.tanh(c)` ({CH8})."),
            "no_tanh": ("hidden_state returned o * c: squash the cell state with tanh first, `o * np.tanh(c)` "
                        f"({CH8}).")}),
    GradedFunction(
        "lstm_cell", ("h_prev", "c_prev", "x", "params"), lstm_cell_args, CH8, returns="the tuple (h, c)",
        result_names=("h", "c"), calls=("output_gate", "hidden_state"),
        mistakes={
            "returns_c_h": ("lstm_cell returned (c, h): return the new hidden state first, `return h, c` "
                            f"({CH8})."),
            "gates_swapped": ("lstm_cell mixed up the gates in the cell update: it computed i * c_prev + f * "
                              f"c_tilde. Use update_cell(c_prev, f, i, c_tilde) ({CH7})."),
            "no_output_gate": ("lstm_cell computed h = tanh(C) without the output gate: h = o * tanh(C), "
                               f"`hidden_state(c, o)` ({CH8})."),
            "old_cell_in_h": ("lstm_cell computed h from the OLD cell state: h = o * tanh(C_t) uses the new state c "
                              f"you just computed, not c_prev ({CH8})."),
            "xh_order": xh_order("lstm_cell", CH8),
            "no_bias": ("lstm_cell left out the biases: pass params[\"b_f\"], params[\"b_i\"], params[\"b_C\"] "
                        f"and params[\"b_o\"] to the gates ({CH8}).")}),
    GradedFunction(
        "lstm_forward", ("xs", "params"), lstm_forward_args, CH3, returns='a dict {"h": hs, "c": cs}',
        output_keys=("h", "c"), optional_state=True,
        mistakes={
            "state_not_carried": ("lstm_forward started every step from h0 and c0: feed both new states into the "
                                  "next step, `h, c = lstm_cell(h, c, x, params)` inside the loop "
                                  f"({CH3})."),
            "states_shifted": ("lstm_forward's states are one step late: hs[t] and cs[t] must be the states AFTER "
                               "step t, so append them after calling lstm_cell and do not include h0, c0 "
                               f"({CH3}).")}),
    slope("sigmoid_backward", "out * (1 - out)", "tanh, 1 - out**2", BACKPROP),
    slope("tanh_backward", "(1 - out**2)", "sigmoid, out * (1 - out)", BACKPROP),
    GradedFunction(
        "gate_backward", ("d_gate", "gate", "h_prev", "x", "W"), gate_backward_args, BACKPROP,
        returns="the tuple (dh_prev, dx, dW, db)", result_names=("dh_prev", "dx", "dW", "db"),
        calls=("sigmoid_backward",),
        mistakes={
            "no_slope": ("gate_backward skipped the sigmoid: first take d_gate back through it, "
                         "`dz = sigmoid_backward(d_gate, gate)`, then through the layer W·[h_prev, x] + b "
                         f"({BACKPROP})."),
            "h_x_swapped": ("gate_backward split the gradient of [h_prev, x] the wrong way round: its first H "
                            f"columns belong to h_prev, the rest to x ({BACKPROP}).")}),
    GradedFunction(
        "lstm_cell_backward", ("dh", "dc", "h_prev", "c_prev", "x", "params"), lstm_cell_backward_args, BACKPROP,
        returns="a dict of gradients", calls=("tanh_backward", "gate_backward"),
        output_keys=("h_prev", "c_prev", "x") + LSTM_KEYS,
        mistakes={
            "ignores_dc": ("lstm_cell_backward ignored dc, the gradient reaching C_t from the next step: the total "
                           "gradient at C_t is `dc + dh * o * (1 - np.tanh(c)**2)` "
                           f"({BACKPROP})."),
            "ignores_dh_through_c": ("lstm_cell_backward left out the path from h_t back into C_t: the total "
                                     "gradient at C_t is `dc + dh * o * (1 - np.tanh(c)**2)`, not just dc "
                                     f"({BACKPROP}).")}),
    GradedFunction(
        "lstm_backward", ("dhs", "xs", "params"), lstm_backward_args, BACKPROP, reference="lstm.lstm_backward",
        returns="a dict of gradients", optional_state=True, calls=("lstm_cell_backward",),
        output_keys=("xs", "h0", "c0") + LSTM_KEYS,
        mistakes={
            "dc_not_carried": ("lstm_backward did not carry the cell state's gradient back: C_{t-1} reaches the "
                               "loss through C_t (along the forget gate), so pass each step's `grads[\"c_prev\"]` "
                               f"as dc to the step before it ({BACKPROP}, 'Two ways back into C_(t-1)')."),
            "dh_not_carried": ("lstm_backward dropped the gradient that h_t receives from the next step: h_t feeds "
                               "the loss AND step t + 1, so call lstm_cell_backward with `dhs[t] + dh_next`, where "
                               f"dh_next is step t + 1's `grads[\"h_prev\"]` ({BACKPROP}, 'The chain, unrolled')."),
            "weights_not_summed": ("lstm_backward kept one step's weight and bias gradients: the same weights serve "
                                   "every step, so add up every step's, `grads[k] += g[k]` "
                                   f"({BACKPROP}, 'The chain, unrolled')."),
            "forward_in_time": ("lstm_backward went forwards in time: step t needs what step t + 1 sends back, so "
                                "go from the last step to the first, `for t in reversed(range(T))` "
                                f"({BACKPROP}, 'The chain, unrolled').")}),
    GradedFunction(
        "numerical_gradient", ("f", "x"), numerical_gradient_args, FORMULA,
        dtypes=("float64",),        # central differences need float64: float32 rounding swamps them
        label=lambda D, B: f"x a {B}×{D} matrix" if B else f"x a vector of {D}",
        mistakes={
            "half_step": ("numerical_gradient is twice too large: the central difference divides by the whole "
                          f"width of the step, 2 * eps ({FORMULA})."),
            "forward_difference": ("numerical_gradient used a one-sided difference (f(x + eps) - f(x)) / eps: use "
                                   "the central difference (f(x + eps) - f(x - eps)) / (2 * eps), which is far more "
                                   f"accurate ({FORMULA}).")}),
    GradedFunction(
        "gru_cell", ("h_prev", "x", "params"), gru_cell_args, CH9,
        mistakes={
            "pytorch_convention": ("gru_cell used the other convention, h = z * h_prev + (1 - z) * h_tilde "
                                   "(PyTorch's): this course follows the essay, h = (1 - z) * h_prev + z * h_tilde "
                                   f"({CH9})."),
            "reset_after_product": ("gru_cell applied the reset gate after the matrix product: the essay resets "
                                    "first, W_h·[r * h_prev, x] + b_h, so build "
                                    f"`np.concatenate([r * h_prev, x], axis=-1)` ({CH9})."),
            "no_reset": ("gru_cell did not use the reset gate: the candidate is tanh(W_h·[r * h_prev, x] + b_h) "
                         f"({CH9})."),
            "xh_order": xh_order("gru_cell", CH9),
            "no_bias": ("gru_cell left out the biases: add b_z, b_r and b_h after the products "
                        f"({CH9}).")}),
    GradedFunction(
        "peephole_lstm_cell", ("h_prev", "c_prev", "x", "params"), peephole_lstm_cell_args, CH9,
        returns="the tuple (h, c)", result_names=("h", "c"),
        mistakes={
            "returns_c_h": ("peephole_lstm_cell returned (c, h): return the new hidden state first, `return h, c` "
                            f"({CH9})."),
            "output_peeks_old_cell": ("peephole_lstm_cell's output gate looked at the old cell state: the output "
                                      "gate peeks at the NEW state, o = sigmoid(W_o·[C_t, h_prev, x] + b_o), so "
                                      f"compute c first ({CH9})."),
            "cell_last": ("peephole_lstm_cell concatenated [h_prev, x, c]: the cell state comes first, "
                          f"`np.concatenate([c_prev, h_prev, x], axis=-1)` ({CH9})."),
            "gates_swapped": ("peephole_lstm_cell mixed up the gates in the cell update: use f * c_prev + i * "
                              f"c_tilde ({CH9}).")}),
    GradedFunction(
        "linear_backward", ("dy", "h", "W"), linear_backward_args, TRAIN, returns="a dict of gradients",
        output_keys=("h", "W", "b"), dtypes=("float64",)),
    GradedFunction(
        "mse_loss", ("y", "target"), mse_loss_args, TRAIN, returns="the tuple (loss, dy)",
        result_names=("loss", "dy"), dtypes=("float64",),
        mistakes={
            "no_factor_two": ("mse_loss's dy is half what it should be: the derivative of (y - target)² is "
                              f"2 * (y - target), so dy = 2 * (y - target) / y.size ({TRAIN})."),
            "sum_not_mean": ("mse_loss summed the squared errors: the loss is their MEAN, np.mean((y - target)**2), "
                             f"and dy = 2 * (y - target) / y.size divides by the number of entries too ({TRAIN})."),
            "sign_flipped": ("mse_loss's dy has the wrong sign: it is the derivative with respect to y, "
                             f"2 * (y - target) / y.size, not 2 * (target - y) / y.size ({TRAIN}).")}),
    GradedFunction(
        "clip_gradients", ("grads", "max_norm"), clip_gradients_args, TRAIN, returns="a dict of gradients",
        output_keys=LSTM_KEYS + ("W_y", "b_y"), dtypes=("float64",),
        label=lambda D, B: "gradients whose joint norm is above max_norm" if B is None
        else "gradients whose joint norm is below max_norm",
        mistakes={
            "per_array": ("clip_gradients clipped each array by its own norm: clip by the GLOBAL norm, "
                          "sqrt(sum of g**2 over every array), and scale every array by the same factor "
                          f"min(1, max_norm / norm), so the update keeps its direction ({TRAIN})."),
            "scales_up": ("clip_gradients scaled gradients that were already small UP to max_norm: clipping only "
                          f"shrinks, scale = min(1, max_norm / norm) ({TRAIN})."),
            "no_sqrt": ("clip_gradients used the sum of squares as the norm: the norm is its square root, "
                        f"np.sqrt(sum(np.sum(g**2) for g in grads.values())) ({TRAIN}).")}),
    GradedFunction(
        "adam_update", ("p", "g", "m", "v", "t"), adam_update_args, TRAIN, returns="the tuple (p, m, v)",
        result_names=("p", "m", "v"), dtypes=("float64",),
        label=lambda D, B: "a vector of parameters" if B is None else f"a {B}×H matrix of parameters",
        mistakes={
            "no_bias_correction": ("adam_update left out the bias correction: divide m by (1 - beta1**t) and v by "
                                   "(1 - beta2**t) before the step; without it the first steps are far too small, "
                                   f"because m and v start at zero ({TRAIN})."),
            "ascent": ("adam_update moved the parameters UP the gradient: subtract the step, "
                       f"p - lr * m_hat / (np.sqrt(v_hat) + eps), to make the loss smaller ({TRAIN})."),
            "sqrt_missing": ("adam_update divided by v_hat instead of its square root: the step is "
                             f"lr * m_hat / (np.sqrt(v_hat) + eps) ({TRAIN}).")}),
    GradedFunction(
        "train_step", ("params", "adam", "xs", "target"), train_step_args, TRAIN,
        returns="the tuple (loss, new_params, new_adam)", result_names=("loss", "new_params", "new_adam"),
        dtypes=("float64",), calls=("linear_backward", "mse_loss", "clip_gradients", "adam_update"),
        label=lambda D, B: "one sequence" if B is None else f"a batch of {B} sequences",
        mistakes={
            "no_clip": ("train_step updated with the unclipped gradients: pass every gradient (the LSTM's and the "
                        f"readout's) through clip_gradients(grads, max_norm) before Adam ({TRAIN})."),
            "dh_at_every_step": ("train_step sent the readout's gradient into every step: only h_T feeds the "
                                 "readout, so dhs is zeros except dhs[-1] = the readout's gradient for h "
                                 f"(`dhs = np.zeros_like(hs)`; `dhs[-1] = ...`) ({TRAIN})."),
            "readout_not_trained": ("train_step did not update the readout: W_y and b_y need their gradients from "
                                    "linear_backward, clipped with the LSTM's and updated by adam_update like "
                                    f"every other parameter ({TRAIN}).")}),
]

# The exercise notebooks, each with its graded functions (in the order above).
EXERCISES = {
    "01_rnn": ("rnn_cell", "rnn_forward"),
    "02_forget_gate": ("sigmoid", "forget_gate"),
    "03_input_gate": ("input_gate", "candidate"),
    "04_update_cell": ("update_cell",),
    "05_output_gate": ("output_gate", "hidden_state", "lstm_cell"),
    "06_lstm_forward": ("lstm_forward",),
    "07_backprop": ("sigmoid_backward", "tanh_backward", "gate_backward", "lstm_cell_backward", "lstm_backward",
                    "numerical_gradient"),
    "08_variants": ("gru_cell", "peephole_lstm_cell"),
    "09_train": ("linear_backward", "mse_loss", "clip_gradients", "adam_update", "train_step"),
}
_EXERCISE_OF = {fn: exercise for exercise, fns in EXERCISES.items() for fn in fns}
if set(_EXERCISE_OF) != {spec.name for spec in _SPECS}:
    raise ValueError(f"lstm_checks.spec: EXERCISES and the specs name different functions: "
                     f"{sorted(set(_EXERCISE_OF) ^ {spec.name for spec in _SPECS})}")
SPECS: dict[str, GradedFunction] = {spec.name: replace(spec, exercise=_EXERCISE_OF[spec.name]) for spec in _SPECS}
