"""Shared helpers for the lstm_ref tests."""
import numpy as np


def assert_close(ours, theirs, rtol=1e-10, name=""):
    """max |ours - theirs| <= rtol * max |theirs|: relative to the array's scale.

    (Entry by entry relative error is meaningless for gradient entries that are
    sums cancelling to nearly zero; the array's scale is the honest yardstick.)
    """
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} != {theirs.shape}"
    scale = max(float(np.max(np.abs(theirs))) if theirs.size else 0.0, 1e-300)
    err = float(np.max(np.abs(ours - theirs))) / scale if theirs.size else 0.0
    assert err <= rtol, f"{name}: relative error {err:.2e} > {rtol:.0e}"


def random_params(params, rng, scale=0.5):
    """The same keys and shapes, filled with normal(0, scale) numbers (biases nonzero too)."""
    return {k: rng.normal(0, scale, size=np.shape(v)) for k, v in params.items()}


def random_sizes(rng):
    """(T, B, D, H, batched): small random sizes; batched=False means one example, no batch axis."""
    return (int(rng.integers(1, 7)), int(rng.integers(1, 5)), int(rng.integers(1, 6)),
            int(rng.integers(1, 7)), bool(rng.integers(0, 2)))
