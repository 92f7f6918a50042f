"""lstm_ref's sequence LSTM against torch.nn.LSTM on the CPU: forward, and forward + backward.

T = 100, B = 32, D = 64, H = 128, in float32 and float64, both libraries on the
same number of threads (default 1; `--threads N`). The two run alternately;
prints each one's median time, the median of the per-pair ratios lstm_ref / torch
(judged against the targets) and, in brackets, the ratio of the best times. Targets: forward ≤ 1.5x,
forward + backward ≤ 2x.
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

T, B, D, H = 100, 32, 64, 128
TARGETS = {"forward": 1.5, "forward+backward": 2.0}


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(ours, theirs, repeats):
    """Times both alternately (so load from other processes hits both alike).

    Returns (median time ours, median time torch, median of the per-pair ratios,
    ratio of the best times: what a quiet machine would show).
    """
    ours(), theirs()                                # warm up (allocations, BLAS kernels)
    pairs = [(timed(ours), timed(theirs)) for _ in range(repeats)]
    t_ours, t_torch = (float(np.median(column)) for column in zip(*pairs))
    best_ours, best_torch = (min(column) for column in zip(*pairs))
    return t_ours, t_torch, float(np.median([a / b for a, b in pairs])), best_ours / best_torch


def bench(dtype, repeats):
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

    rows = []
    for what, ours, theirs in (("forward", ours_forward, torch_forward),
                               ("forward+backward", ours_forward_backward, torch_forward_backward)):
        rows.append((what, *compare(ours, theirs, repeats)))
    return rows


def main():
    torch.set_num_threads(args.threads)
    print(f"lstm_ref vs torch.nn.LSTM {torch.__version__}, numpy {np.__version__}: T={T} B={B} D={D} H={H}, "
          f"{args.threads} thread(s), {args.repeats} alternating pairs")
    print(f"{'dtype':8} {'pass':17} {'lstm_ref ms':>12} {'torch ms':>9} {'ratio':>6} {'target':>7}"
          f"   (best-time ratio)")
    ok = True
    for dtype in (np.float32, np.float64):
        for what, t_ours, t_torch, ratio, best_ratio in bench(dtype, args.repeats):
            met = ratio <= TARGETS[what]
            ok &= met
            print(f"{np.dtype(dtype).name:8} {what:17} {1e3 * t_ours:12.2f} {1e3 * t_torch:9.2f} {ratio:6.2f} "
                  f"{'<= ' + str(TARGETS[what]):>7} {'ok' if met else 'MISSED':6}   ({best_ratio:.2f})")
    print("all targets met" if ok else "some targets missed")


if __name__ == "__main__":
    main()
