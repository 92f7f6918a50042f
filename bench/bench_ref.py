"""lstm_ref's sequence LSTM against torch.nn.LSTM on the CPU: forward, and forward + backward.

One table, one run: float32 and float64, forward and forward + backward, at the
bench size (T=100, B=32, D=64, H=128) and at the course's own sizes (the adding
problem, T=100, D=2, H=8, for one sequence and a batch of 32; the character
model, T=50, D=27, H=32, one sequence). Both libraries run on the same number
of threads (default 1; `--threads N`), alternately, so load from other
processes hits both alike: each row gives the median time per step, the median
of the per-pair ratios lstm_ref / torch (judged against the targets) and, in
brackets, the ratio of the best times (what a quiet machine would show).

Beside each forward row, the floor: per step, lstm_ref's forward makes 8 numpy
calls (one product, two tanh, five pointwise operations); their time on arrays
of that size, with nothing else around them (timed against torch in pairs too),
is the fastest any numpy loop over the steps could be. Where the floor's ratio
is above a target, that target is out of numpy's reach, and the row says so.
"""
import argparse
import os
import sys

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--repeats", type=int, default=31)
args = parser.parse_args()
# BLAS reads its thread count when numpy is first imported, so set it before.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import lstm_ref  # noqa: E402

try:
    import torch
except ImportError:
    sys.exit("bench_ref.py needs torch (a test-only dependency): see requirements/torch.txt")

# (name, T, B, D, H)
SIZES = [("bench", 100, 32, 64, 128), ("adding, 1 seq", 100, 1, 2, 8), ("adding, B=32", 100, 32, 2, 8),
         ("char model", 50, 1, 27, 32)]
# (size name, dtype, pass) → the ratio lstm_ref / torch to stay at or below
TARGETS = {("bench", "float32", "forward"): 1.2, ("bench", "float32", "forward+backward"): 1.2,
           ("adding, 1 seq", "float32", "forward"): 2.5, ("char model", "float32", "forward"): 2.5,
           ("adding, B=32", "float32", "forward"): 1.2}
for _size in SIZES:
    for _pass in ("forward", "forward+backward"):
        TARGETS[(_size[0], "float64", _pass)] = 1.0       # float64: lstm_ref faster than torch


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(ours, theirs, repeats):
    """Times both alternately. Returns (median ours, median torch, median per-pair ratio, best-time ratio)."""
    ours(), theirs()                                # warm up (allocations, BLAS kernels)
    pairs = [(timed(ours), timed(theirs)) for _ in range(repeats)]
    t_ours, t_torch = (float(np.median(column)) for column in zip(*pairs))
    best_ours, best_torch = (min(column) for column in zip(*pairs))
    return t_ours, t_torch, float(np.median([a / b for a, b in pairs])), best_ours / best_torch


def numpy_floor(T, B, D, H, dtype):
    """A function making, T times, the 8 numpy calls of one step of lstm_ref's forward, and nothing else.

    The same calls as lstm_ref.fast's loop (a product, a tanh over the four gates,
    two for the sigmoids, two for the cell, a tanh and a product for h), on
    buffers of this size made once: the fastest any numpy loop over the steps could be.
    """
    rng = np.random.default_rng(0)
    W = rng.standard_normal((4 * H, H + D + 1)).astype(dtype)
    hx = rng.standard_normal((H + D + 1, B)).astype(dtype)
    S = rng.standard_normal((5 * H, B)).astype(dtype)
    g, s, c, h, o = S[H:], S[2 * H:], S[:H], hx[:H], S[4 * H:]
    f_i, c_c = S[2 * H:4 * H].reshape(2, H, B), S[:2 * H].reshape(2, H, B)
    products = np.empty((2, H, B), dtype)
    half = np.full((3 * H, B), 0.5, dtype)

    def steps():
        for _ in range(T):
            np.dot(W, hx, out=g)
            np.tanh(g, out=g)
            np.multiply(s, half, out=s)
            np.add(s, half, out=s)
            np.multiply(f_i, c_c, out=products)
            np.add(products[0], products[1], out=c)
            np.tanh(c, out=h)
            np.multiply(h, o, out=h)
    return steps


def bench(T, B, D, H, dtype, repeats):
    """{pass: (median ours, median torch, ratio, best ratio)} for forward, forward + backward and the floor."""
    torch_dtype = {np.float32: torch.float32, np.float64: torch.float64}[dtype]
    params = lstm_ref.init_lstm(D, H, seed=0, dtype=dtype)
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((T, B, D)).astype(dtype)
    dh = rng.standard_normal((T, B, H)).astype(dtype)

    def ours_forward():
        return lstm_ref.lstm_forward(xs, params)

    def ours_forward_backward():
        return lstm_ref.lstm_backward(dh, lstm_ref.lstm_forward(xs, params), params)

    module = torch.nn.LSTM(D, H).to(torch_dtype)
    lstm_ref.to_torch(params, module)
    x_t, dh_t = torch.from_numpy(xs), torch.from_numpy(dh)

    def torch_forward():
        with torch.no_grad():
            return module(x_t)

    def torch_forward_backward():
        module.zero_grad()
        x = x_t.clone().requires_grad_(True)    # ours returns dxs too, so torch computes it as well
        out, _ = module(x)
        out.backward(dh_t)

    return {what: compare(ours, theirs, repeats)
            for what, ours, theirs in (("forward", ours_forward, torch_forward),
                                       ("forward+backward", ours_forward_backward, torch_forward_backward),
                                       ("floor", numpy_floor(T, B, D, H, dtype), torch_forward))}


def judged(target, ratio):
    """The target column and the verdict for one ratio."""
    if target is None:
        return f"{'':7} {'':6}"
    return f"{'<= ' + str(target):>7} {'ok' if ratio <= target else 'MISSED':6}"


def main():
    torch.set_num_threads(args.threads)
    print(f"lstm_ref vs torch.nn.LSTM {torch.__version__}, numpy {np.__version__}: {args.threads} thread(s), "
          f"{args.repeats} alternating pairs per row; times in µs per time step; ratio = lstm_ref / torch")
    print(f"{'size':14} {'T':>3} {'B':>3} {'D':>3} {'H':>3} {'dtype':8} {'pass':17} {'lstm_ref':>9} {'torch':>8} "
          f"{'ratio':>6} {'target':>7} {'':6}  (best)   {'floor':>6} {'ratio':>6}  reachable?")
    ok = True
    for name, T, B, D, H in SIZES:
        for dtype in (np.float32, np.float64):
            dname = np.dtype(dtype).name
            rows = bench(T, B, D, H, dtype, args.repeats)
            t_floor, _, floor_ratio, _ = rows.pop("floor")
            for what, (t_ours, t_torch, ratio, best_ratio) in rows.items():
                target = TARGETS.get((name, dname, what))
                ok &= target is None or ratio <= target
                floor = ""
                if what == "forward":
                    reach = "" if target is None else ("yes" if floor_ratio <= target else "NO: floor above target")
                    floor = f"{1e6 * t_floor / T:6.2f} {floor_ratio:6.2f}  {reach}"
                print(f"{name:14} {T:3} {B:3} {D:3} {H:3} {dname:8} {what:17} {1e6 * t_ours / T:9.2f} "
                      f"{1e6 * t_torch / T:8.2f} {ratio:6.2f} {judged(target, ratio)}  ({best_ratio:4.2f})  {floor}")
    print("floor: the 8 numpy calls of one forward step alone (no Python around them), timed against torch's "
          "forward;\nwhere its ratio is above a target, that target is out of numpy's reach.")
    print("all targets met" if ok else "some targets missed")


if __name__ == "__main__":
    main()
