"""`make train`: train the character-level LSTM the chapter "Looking inside a trained LSTM" looks into.

    python tools/train_char_lstm.py               train on models/char_lstm/corpus.txt, write model.npz
    python tools/train_char_lstm.py --make-corpus rebuild corpus.txt from this Python's standard library

The corpus is committed, so training never depends on the machine's Python
version; --make-corpus only documents (and can redo) where it came from. The
run is seeded and single-threaded: the same corpus and setup give the same
losses, which tests/ref/test_char_model.py checks against the saved history.
The book build only loads model.npz; it never trains.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # one thread: reproducible sums, and a fair share of 2 cores
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import sysconfig  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from lstm_ref import char_model  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "models" / "char_lstm"
CORPUS = FOLDER / "corpus.txt"
MODEL = FOLDER / "model.npz"

# Standard-library modules (PSF licence) that exist under these names in every Python 3 since 3.9.
CORPUS_MODULES = ("textwrap.py", "shlex.py", "fnmatch.py", "glob.py", "heapq.py", "bisect.py", "colorsys.py",
                  "csv.py", "calendar.py", "string.py", "queue.py", "sched.py", "graphlib.py")
SETUP = char_model.TrainingSetup()
SNAPSHOTS = (0, 100, 300, 1000, SETUP.steps)      # steps at which a sample and the held-out loss are saved
SAMPLE_PROMPT = "def "


def make_corpus() -> str:
    """The modules' sources joined in the order above; tabs become 4 spaces, other non-ASCII becomes '?'."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    parts = []
    for name in CORPUS_MODULES:
        text = (stdlib / name).read_text(encoding="utf-8").replace("\t", "    ").replace("\r", "")
        parts.append("".join(ch if ch in char_model.INDEX else "?" for ch in text))
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--make-corpus", action="store_true", help="rebuild corpus.txt from the standard library")
    args = parser.parse_args()
    FOLDER.mkdir(parents=True, exist_ok=True)
    if args.make_corpus or not CORPUS.exists():
        CORPUS.write_text(make_corpus(), encoding="utf-8")
        print(f"wrote {CORPUS.relative_to(ROOT)} ({CORPUS.stat().st_size} bytes)")
    text = CORPUS.read_text(encoding="utf-8")
    train_ids, held_out = char_model.split(text)
    samples, held_out_loss = {}, {}

    def snapshot(step, params):
        if step in SNAPSHOTS:
            samples[step] = char_model.sample(params, SAMPLE_PROMPT, 300, seed=step)
            held_out_loss[step] = char_model.evaluate(params, held_out)
            print(f"step {step}: held-out loss {held_out_loss[step]:.3f} nats/char", flush=True)

    start = time.perf_counter()
    snapshot(0, char_model.init_char_model(SETUP.hidden_size, seed=SETUP.seed))
    params, losses = char_model.train(train_ids, SETUP, on_step=snapshot)
    seconds = time.perf_counter() - start
    steps = np.array(sorted(samples))
    np.savez_compressed(
        MODEL, **{"param_" + k: v for k, v in params.items()},
        losses=losses, snapshot_steps=steps,
        snapshot_samples=np.array([samples[s] for s in steps]),
        snapshot_held_out_loss=np.array([held_out_loss[s] for s in steps]),
        setup=np.array(repr(asdict(SETUP))),
        corpus_sha256=np.array(hashlib.sha256(text.encode()).hexdigest()),
        train_seconds=seconds, numpy_version=np.array(np.__version__))
    print(f"wrote {MODEL.relative_to(ROOT)} ({MODEL.stat().st_size} bytes) after {seconds:.0f} s; "
          f"final held-out loss {held_out_loss[SETUP.steps]:.3f} nats/char")


if __name__ == "__main__":
    main()
