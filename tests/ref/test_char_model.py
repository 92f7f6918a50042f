"""The character-level LSTM of `make train`: its pieces, and the committed model's reproducibility."""
import ast
import hashlib
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import lstm_ref
from lstm_ref import char_model
from ref_helpers import assert_close

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "models" / "char_lstm"


def saved():
    with np.load(FOLDER / "model.npz") as z:
        return {k: z[k] for k in z.files}


def test_softmax_cross_entropy_gradient_matches_central_differences():
    rng = np.random.default_rng(0)
    logits, targets = rng.normal(size=(6, 5)), rng.integers(0, 5, size=6)
    loss, d = char_model.softmax_cross_entropy(logits, targets)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(6), targets])), rel=1e-14)
    numeric = lstm_ref.numerical_gradient(lambda z: char_model.softmax_cross_entropy(z, targets)[0], logits)
    assert_close(d, numeric, 1e-8, name="d_logits")


def test_loss_and_grads_match_central_differences_for_every_parameter():
    params = char_model.init_char_model(hidden_size=3, seed=2)
    ids = np.random.default_rng(1).integers(0, len(char_model.ALPHABET), size=(5, 2))
    _, grads = char_model.loss_and_grads(params, ids)
    for key in ("W_f", "b_i", "W_C", "b_o", "W_y", "b_y"):
        numeric = lstm_ref.numerical_gradient(lambda _: char_model.loss_and_grads(params, ids)[0], params[key])
        assert_close(grads[key], numeric, 1e-7, name=key)


def test_encode_names_a_character_outside_the_alphabet():
    assert char_model.decode(char_model.encode("def f(x):\n")) == "def f(x):\n"
    with pytest.raises(ValueError, match="'é' is not in the alphabet"):
        char_model.encode("café")


def test_sampling_is_seeded():
    params = char_model.init_char_model(hidden_size=4, seed=0)
    a, b = (char_model.sample(params, "def ", 30, seed=5) for _ in range(2))
    assert a == b and a.startswith("def ") and len(a) == 34
    assert char_model.sample(params, "def ", 30, seed=6) != a


def test_committed_corpus_is_the_one_trained_on_and_model_is_small():
    record = saved()
    corpus = (FOLDER / "corpus.txt").read_text(encoding="utf-8")
    assert hashlib.sha256(corpus.encode()).hexdigest() == str(record["corpus_sha256"])
    assert (FOLDER / "model.npz").stat().st_size + (FOLDER / "corpus.txt").stat().st_size <= 2 * 1024 * 1024
    setup = char_model.TrainingSetup(**ast.literal_eval(str(record["setup"])))
    assert record["losses"].shape == (setup.steps,)
    # the model learned something: the held-out loss fell well below a uniform guess's log(96)
    assert record["snapshot_held_out_loss"][0] == pytest.approx(np.log(len(char_model.ALPHABET)), abs=0.1)
    assert record["snapshot_held_out_loss"][-1] < 2.5


def test_make_train_reproduces_the_recorded_losses():
    """Rerun the first steps of `make train` (same corpus, setup and seed): the same losses, to 1e-12."""
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        # tools/train_char_lstm.py trains with one BLAS thread; run the rerun the same way, in a fresh process
        import subprocess
        code = ("import sys; sys.path.insert(0, 'tests/ref'); import test_char_model as t; "
                "t.rerun_first_steps(20)")
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    else:
        rerun_first_steps(20)


def rerun_first_steps(n):
    record = saved()
    setup = char_model.TrainingSetup(**ast.literal_eval(str(record["setup"])))
    train_ids, _ = char_model.split((FOLDER / "corpus.txt").read_text(encoding="utf-8"))
    _, losses = char_model.train(train_ids, setup, steps=n)
    np.testing.assert_allclose(losses, record["losses"][:n], rtol=1e-12, atol=0)
