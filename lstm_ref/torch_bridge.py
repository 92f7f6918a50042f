"""Exact conversion between lstm_ref's parameter dicts and PyTorch's recurrent modules.

PyTorch keeps separate input and recurrent weights and two biases per layer,
with the gates stacked in its own order:
    nn.LSTM / nn.LSTMCell:  weight_ih (4H, D), weight_hh (4H, H), bias_ih, bias_hh; gates i, f, g (= C̃), o
    nn.GRU / nn.GRUCell:    weight_ih (3H, D), weight_hh (3H, H), bias_ih, bias_hh; gates r, z, n
    nn.RNN / nn.RNNCell:    weight_ih (H, D),  weight_hh (H, H),  bias_ih, bias_hh  (tanh only)
lstm_ref's W = [W_hh, W_ih] (the [h, x] order) and b = bias_ih + bias_hh.

GRU: PyTorch's z is 1 - ours and its reset acts after the product, so only the
reset-after form of `gru_cell` matches it: use params from `init_gru(...,
reset_after=True)`; `to_torch` negates W_z and b_z (σ(-a) = 1 - σ(a)).

torch is imported by the module you pass in: lstm_ref itself never needs it.
"""
import numpy as np

KINDS = {"LSTM": ("LSTM", ("i", "f", "C", "o")), "LSTMCell": ("LSTM", ("i", "f", "C", "o")),
         "GRU": ("GRU", ("r", "z", "h")), "GRUCell": ("GRU", ("r", "z", "h")),
         "RNN": ("RNN", ("",)), "RNNCell": ("RNN", ("",))}


def module_kind(module):
    """("LSTM" | "GRU" | "RNN", gate order, parameter-name suffix), after checking the module is one we convert."""
    name = type(module).__name__
    if name not in KINDS:
        raise ValueError(f"expected a torch.nn.LSTM, LSTMCell, GRU, GRUCell, RNN or RNNCell, got {name}")
    if not name.endswith("Cell"):
        for attr, want in (("num_layers", 1), ("bidirectional", False), ("proj_size", 0)):
            if getattr(module, attr, want) != want:
                raise ValueError(f"{name}: only {attr}={want} converts, got {getattr(module, attr)}")
    if not getattr(module, "bias", True):
        raise ValueError(f"{name}: only bias=True converts")
    if KINDS[name][0] == "RNN" and getattr(module, "nonlinearity", "tanh") != "tanh":
        raise ValueError(f"{name}: only nonlinearity='tanh' converts, got {module.nonlinearity!r}")
    return KINDS[name][0], KINDS[name][1], ("" if name.endswith("Cell") else "_l0")


def weight_name(gate):
    return "W_" + gate if gate else "W"


def bias_name(gate):
    return "b_" + gate if gate else "b"


def sign(kind, gate):
    """-1 for the GRU's z (PyTorch's z is 1 - ours), else +1."""
    return -1.0 if (kind, gate) == ("GRU", "z") else 1.0


def torch_layout(params, kind, gates, hidden):
    """lstm_ref params → numpy arrays named like PyTorch's (without the "_l0" suffix)."""
    if kind == "GRU" and "b_hn" not in params:
        raise ValueError("to_torch: the essay's GRU (reset before the product) is not PyTorch's GRU; "
                         "use params from init_gru(..., reset_after=True), which have 'b_hn'")
    w_ih, w_hh, b_ih, b_hh = [], [], [], []
    for g in gates:
        W, b, s = np.asarray(params[weight_name(g)]), np.asarray(params[bias_name(g)]), sign(kind, g)
        w_hh.append(s * W[:, :hidden])
        w_ih.append(s * W[:, hidden:])
        b_ih.append(s * b)
        b_hh.append(params["b_hn"] if (kind, g) == ("GRU", "h") else np.zeros_like(b))
    return {"weight_ih": np.concatenate(w_ih), "weight_hh": np.concatenate(w_hh),
            "bias_ih": np.concatenate(b_ih), "bias_hh": np.concatenate(b_hh)}


def to_torch(params, module):
    """Copies lstm_ref params into a PyTorch module (in place) so both compute the same numbers; returns module.

    The module keeps its dtype: call module.double() first for float64.
    """
    import torch

    kind, gates, suffix = module_kind(module)
    hidden = module.hidden_size
    arrays = torch_layout(params, kind, gates, hidden)
    with torch.no_grad():
        for name, array in arrays.items():
            target = getattr(module, name + suffix)
            if tuple(target.shape) != array.shape:
                raise ValueError(f"to_torch: {name + suffix} has shape {tuple(target.shape)} in the module, "
                                 f"but params give {array.shape}: sizes differ")
            target.copy_(torch.from_numpy(np.ascontiguousarray(array)))
    return module


def from_torch(module):
    """A PyTorch module's parameters as an lstm_ref params dict (numpy, the module's dtype).

    nn.LSTM/LSTMCell → LSTM params; nn.RNN/RNNCell → {"W", "b"}; nn.GRU/GRUCell →
    reset-after GRU params (use with gru_cell(..., reset_after=True)).
    """
    kind, gates, suffix = module_kind(module)
    t = {name: getattr(module, name + suffix).detach().cpu().numpy()
         for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    return params_from_layout(t, kind, gates, module.hidden_size, gradient=False)


def torch_grads(module):
    """The gradients PyTorch computed (the .grad of each weight), as gradients of lstm_ref's params.

    This is the chain rule through `to_torch`'s mapping (which sets bias_hh to
    zero, so only bias_ih carries b's gradient — the GRU's b_hn excepted).
    """
    kind, gates, suffix = module_kind(module)
    t = {}
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        grad = getattr(module, name + suffix).grad
        if grad is None:
            raise ValueError(f"torch_grads: {name + suffix} has no gradient; call backward() first")
        t[name] = grad.detach().cpu().numpy()
    return params_from_layout(t, kind, gates, module.hidden_size, gradient=True)


def params_from_layout(t, kind, gates, hidden, gradient):
    """PyTorch-named arrays → lstm_ref params. gradient=True maps gradients back instead (bias_hh ignored)."""
    params = {}
    for k, g in enumerate(gates):
        rows, s = slice(k * hidden, (k + 1) * hidden), sign(kind, g)
        params[weight_name(g)] = s * np.concatenate([t["weight_hh"][rows], t["weight_ih"][rows]], axis=1)
        if kind == "GRU" and g == "h":          # b_hn stays inside the reset product
            params["b_h"], params["b_hn"] = t["bias_ih"][rows].copy(), t["bias_hh"][rows].copy()
        elif gradient:
            params[bias_name(g)] = s * t["bias_ih"][rows]
        else:
            params[bias_name(g)] = s * (t["bias_ih"][rows] + t["bias_hh"][rows])
    return params
