"""The widgets' Python state equals lstm_ref's computation, after every kind of change.

Browser-free: these tests use no fixture from tests/conftest.py.
"""
import numpy as np
import pytest

import lstm_ref
from lstm_widgets import GateExplorer, GradientReach, LanguageModel, MemoryOverTime, agreement
from lstm_widgets import gradient_reach as reach_mod
from lstm_widgets import language_model as lm_mod
from lstm_widgets import memory_over_time as mem_mod


def arr(values):
    return np.array(values, dtype=float)


def assert_step_matches_ref(w):
    c = lstm_ref.update_cell(arr(w.c_prev), arr(w.f), arr(w.i), arr(w.c_tilde))
    np.testing.assert_allclose(w.c, c, rtol=0, atol=1e-12)
    np.testing.assert_allclose(w.h, lstm_ref.hidden_state(c, arr(w.o)), rtol=0, atol=1e-12)


# ------------------------------------------------------------------ GateExplorer

def test_gate_explorer_initial_state_is_one_lstm_step():
    w = GateExplorer(c_prev=[0.5, -1.2], f=[0.3, 0.9], i=[0.7, 0.1], c_tilde=[-0.4, 0.8], o=[0.6, 0.2])
    assert w.c == pytest.approx([0.3 * 0.5 + 0.7 * -0.4, 0.9 * -1.2 + 0.1 * 0.8])
    assert_step_matches_ref(w)


@pytest.mark.parametrize("name, values", [
    ("f", [0.0, 0.25, 1.0]), ("i", [1.0, 0.5, 0.0]), ("c_tilde", [-1.0, 0.3, 0.9]),
    ("c_prev", [2.0, -2.0, 0.0]), ("o", [0.1, 0.9, 0.5]),
])
def test_gate_explorer_recomputes_after_a_python_change(name, values):
    w = GateExplorer()
    before = (list(w.c), list(w.h))
    setattr(w, name, values)
    assert getattr(w, name) == values
    assert_step_matches_ref(w)
    assert (w.c, w.h) != before  # the change reached the derived state


def test_gate_explorer_recomputes_after_a_front_end_change():
    # set_state is how a slider's change arrives from the browser in Jupyter;
    # the view also sends its own c and h, which Python must overwrite with lstm_ref's.
    w = GateExplorer()
    w.set_state({"f": [0.2, 0.4, 0.6], "c": [9.0, 9.0, 9.0], "h": [9.0, 9.0, 9.0]})
    assert w.f == [0.2, 0.4, 0.6]
    assert_step_matches_ref(w)


def test_gate_explorer_preactivation_mode_passes_z_through_the_sigmoid():
    w = GateExplorer(f=[0.9, 0.1, 0.6])
    w.preactivation = True
    # Entering the mode starts z where the gates were (z on a 0.1 grid, so close, not equal).
    np.testing.assert_allclose(w.f, [0.9, 0.1, 0.6], atol=0.02)
    w.z_f, w.z_o = [-6.0, 0.0, 6.0], [2.5, -1.0, 0.3]
    np.testing.assert_allclose(w.f, lstm_ref.sigmoid(arr([-6.0, 0.0, 6.0])), atol=1e-15)
    np.testing.assert_allclose(w.o, lstm_ref.sigmoid(arr([2.5, -1.0, 0.3])), atol=1e-15)
    np.testing.assert_allclose(w.i, lstm_ref.sigmoid(arr(w.z_i)), atol=1e-15)
    assert_step_matches_ref(w)


def test_gate_explorer_focus_and_values_are_checked():
    with pytest.raises(ValueError, match="f must lie in"):
        GateExplorer(f=[1.5, 0.2, 0.3])
    with pytest.raises(ValueError, match="same length"):
        GateExplorer(c_prev=[0.1, 0.2])
    with pytest.raises(ValueError, match="focus"):
        GateExplorer(focus="forgot")


# ------------------------------------------------------------------ MemoryOverTime

def reference_memory(forget_bias, input_bias):
    return lstm_ref.lstm_forward(mem_mod.memory_inputs(), mem_mod.memory_params(forget_bias, input_bias))


def test_memory_table_is_lstm_forward_at_every_grid_point():
    w = MemoryOverTime()
    table = np.array(w.c_table).reshape(len(w.forget_biases), len(w.input_biases), -1)
    for a, bf in enumerate(w.forget_biases):
        for b, bi in enumerate(w.input_biases):
            out = reference_memory(bf, bi)
            np.testing.assert_allclose(table[a, b], out["c"][:, 0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("forget_bias, input_bias", [(-4.0, -8.0), (2.0, -4.0), (6.0, 2.0), (0.5, -1.0)])
def test_memory_follows_the_sliders(forget_bias, input_bias):
    w = MemoryOverTime()
    w.forget_bias, w.input_bias = forget_bias, input_bias
    out = reference_memory(forget_bias, input_bias)
    np.testing.assert_allclose(w.c, out["c"][:, 0], rtol=0, atol=1e-12)
    assert w.f == pytest.approx(out["f"][0, 0], abs=1e-15)
    assert w.i == pytest.approx(out["i"][mem_mod.FACT_STEP, 0], abs=1e-15)


def test_memory_shows_what_the_chapter_claims():
    w = MemoryOverTime(forget_bias=6.0, input_bias=-6.0)
    fact = w.fact_step
    assert w.c[fact + 50] > 0.5 * w.c[fact]  # f near 1: the fact survives 50 steps
    w.forget_bias = -4.0
    assert abs(w.c[fact + 1]) < 0.05 * w.c[fact]  # f near 0: gone at the next step


def test_memory_snaps_to_the_grid_and_rejects_values_outside_it():
    w = MemoryOverTime()
    w.forget_bias = 2.2
    assert w.forget_bias == 2.0
    with pytest.raises(ValueError, match="forget_bias must lie in"):
        w.forget_bias = 9.0


# ------------------------------------------------------------------ GradientReach

@pytest.mark.parametrize("scale, forget_bias", [(0.25, 0.0), (1.0, 1.0), (2.5, 5.0), (1.5, 3.5)])
def test_gradient_reach_is_lstm_refs(scale, forget_bias):
    w = GradientReach()
    w.scale, w.forget_bias = scale, forget_bias
    xs = reach_mod.reach_inputs()
    np.testing.assert_allclose(w.rnn, lstm_ref.gradient_reach(xs, reach_mod.rnn_params(scale), kind="rnn"), rtol=1e-12)
    np.testing.assert_allclose(w.lstm, lstm_ref.gradient_reach(xs, reach_mod.lstm_params(scale, forget_bias), kind="lstm"),
                               rtol=1e-12)


def test_gradient_reach_shows_the_rnn_gradient_vanishing_and_the_lstm_keeping_it():
    w = GradientReach(forget_bias=5.0)
    for scale in w.scales:
        w.scale = scale
        assert w.rnn[0] < 1e-3 * w.rnn[-1]  # 49 steps back, an RNN keeps under 0.1 %
    w.scale = 1.0
    assert w.lstm[0] > 1e6 * w.rnn[0]


# ------------------------------------------------------------------ LanguageModel

@pytest.mark.parametrize("phrase", range(len(lm_mod.PHRASES)))
@pytest.mark.parametrize("plural", [False, True])
def test_language_model_state_is_lstm_forward(phrase, plural):
    w = LanguageModel()
    w.phrase, w.plural = phrase, plural
    out = lstm_ref.lstm_forward(lm_mod.sentence_inputs(phrase, plural), agreement.agreement_params())
    for k in ("c", "f", "i", "o", "h"):
        np.testing.assert_allclose(getattr(w, k), out[k][:, 0], rtol=0, atol=1e-15)
    # The verb is predicted from h at the word before it, and agrees with the subject.
    assert w.verb == agreement.verb_for(out["h"][w.verb_index - 1]) == ("are" if plural else "is")
    assert w.verb == w.words[w.verb_index]
    assert w.words[1] == ("cats" if plural else "cat") and len(w.words) == len(out["h"])
    assert w.step == w.verb_index - 1  # a new sentence opens where its verb is predicted


def test_language_model_output_gate_opens_only_after_nouns():
    w = LanguageModel(phrase=4)
    nouns = [k for k, word in enumerate(w.words) if agreement.word_class(word)[0] == "noun"]
    assert nouns[0] == lm_mod.SUBJECT and nouns[-1] == w.verb_index - 1
    assert all(w.o[k] > 0.9 for k in nouns)
    assert all(o < 0.05 for k, o in enumerate(w.o) if k not in nouns)
    assert abs(w.h[w.verb_index - 1]) > 0.5 and max(abs(w.h[k]) for k in range(len(w.h)) if k not in nouns) < 0.05


def test_language_model_choices_are_checked():
    with pytest.raises(ValueError, match="step must be in"):
        LanguageModel(step=42)
    with pytest.raises(ValueError, match="phrase must be in"):
        LanguageModel(phrase=7)
