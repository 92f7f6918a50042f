"""The running example (lstm_widgets.agreement) and the diagrams agree with what the chapters say.

- Every input feature at step t is computed from the words up to t: no feature reads a later word.
- One sign convention (+ plural, - singular) in the chapters' model, the LanguageModel widget and its view.
- The peephole diagram taps the cell state that lstm_ref's peephole equations use.
Browser-free and build-free: computed with lstm_ref.
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

import lstm_ref
from lstm_widgets import LanguageModel, agreement
from lstm_widgets import language_model as lm_mod

matplotlib.use("Agg")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "book"))  # the book's diagram module, as the pages import it

WIDGET_SENTENCES = [lm_mod.sentence(k, plural) for k in range(len(lm_mod.PHRASES)) for plural in (False, True)]
ALL_SENTENCES = [*agreement.SENTENCES.values(), *WIDGET_SENTENCES]


@pytest.mark.parametrize("words", ALL_SENTENCES, ids=" ".join)
def test_every_feature_at_step_t_depends_only_on_words_up_to_t(words):
    xs = agreement.encode_words(words)
    for t in range(len(words)):
        np.testing.assert_array_equal(agreement.encode_words(words[:t + 1]), xs[:t + 1])
        # Any other continuation (one word of each class) leaves rows 0..t alone.
        for other in ("the", "old", "to", "that", "are", "key", "keys"):
            changed = agreement.encode_words(words[:t + 1] + [other] * (len(words) - t - 1))
            np.testing.assert_array_equal(changed[:t + 1], xs[:t + 1])


def test_features_mark_subjects_nouns_and_number_with_the_course_convention():
    words, xs = agreement.encode("plural")
    assert words == ["The", "keys", "to", "the", "cabinet", "are"]
    np.testing.assert_array_equal(xs[1], [1, agreement.PLURAL, 1])     # "keys": plural subject
    np.testing.assert_array_equal(xs[4], [0, agreement.SINGULAR, 1])   # "cabinet": a noun inside the phrase
    assert agreement.PLURAL > 0 > agreement.SINGULAR
    with pytest.raises(ValueError, match="unknown word 'dog'"):
        agreement.features(["The", "dog"])


@pytest.mark.parametrize("plural", [False, True])
def test_widget_and_chapters_share_one_sign_convention(plural):
    sign, verb = (+1, "are") if plural else (-1, "is")
    # The chapters' sentence ("The keys to the cabinet are" / "The key to the cabinets is").
    words, xs = agreement.encode("plural" if plural else "singular")
    run = lstm_ref.lstm_forward(xs, agreement.agreement_params())
    assert np.sign(run["c"][1, 0]) == sign                      # the subject's number, written at the subject
    before_verb = len(words) - 2
    assert np.sign(run["h"][before_verb, 0]) == sign
    assert agreement.verb_for(run["h"][before_verb]) == verb == words[-1]
    # The widget, on every phrase length: same model, same sign, same verb.
    for phrase in range(len(lm_mod.PHRASES)):
        w = LanguageModel(phrase=phrase, plural=plural)
        np.testing.assert_array_equal(
            w.c, lstm_ref.lstm_forward(agreement.encode_words(w.words), agreement.agreement_params())["c"][:, 0])
        assert np.sign(w.c[lm_mod.SUBJECT]) == sign and np.sign(w.h[w.verb_index - 1]) == sign
        assert w.verb == verb
    # The view shows the verb Python chose; it has no sign rule of its own.
    view = (REPO / "lstm_widgets" / "static" / "language_model.js").read_text()
    assert "trace.verb" in view and '? "is"' not in view and '? "are"' not in view


def test_peephole_diagram_taps_the_cell_state_the_equations_use():
    import lstm_diagrams

    fig = lstm_diagrams.lstm_cell_figure(peephole=True)
    ax = fig.axes[0]
    forget_times, add = 2.2, 6.0                     # x of the forget gate's "×" and of the "+" on the cell line
    layers = {"forget": 2.2, "input": 4.2, "output": 8.0}
    for gate, reads in (("forget", "old"), ("input", "old"), ("output", "new")):
        points = []
        for artist in [*ax.lines, *ax.patches]:
            if artist.get_gid() == f"peephole-{gate}":
                points += (list(map(tuple, artist.get_xydata())) if hasattr(artist, "get_xydata")
                           else list(artist._posA_posB))
        assert points, f"no peephole drawn for the {gate} gate"
        top = max(points, key=lambda p: p[1])
        bottom = min(points, key=lambda p: p[1])
        assert top[1] == pytest.approx(7.0)          # it leaves the cell line
        if reads == "old":
            assert top[0] < forget_times - 0.38, f"{gate} peephole must tap C_(t-1), left of the forget ×"
        else:
            assert top[0] > add + 0.38, f"{gate} peephole must tap C_t, right of the +"
        assert abs(bottom[0] - layers[gate]) < 0.65, f"{gate} peephole does not end in the {gate} gate's layer"
    matplotlib.pyplot.close(fig)

    # ... and lstm_ref computes the same convention: f, i from C_(t-1), o from C_t.
    p = lstm_ref.init_peephole_lstm(3, 4, seed=2)
    rng = np.random.default_rng(2)
    h_prev, c_prev, x = rng.normal(size=4), rng.normal(size=4), rng.normal(size=3)
    h, c = lstm_ref.peephole_lstm_cell(h_prev, c_prev, x, p)
    sig = lstm_ref.sigmoid
    f = sig(p["W_f"] @ np.concatenate([c_prev, h_prev, x]) + p["b_f"])
    i = sig(p["W_i"] @ np.concatenate([c_prev, h_prev, x]) + p["b_i"])
    o = sig(p["W_o"] @ np.concatenate([c, h_prev, x]) + p["b_o"])
    c_tilde = np.tanh(p["W_C"] @ np.concatenate([h_prev, x]) + p["b_C"])
    np.testing.assert_allclose(c, f * c_prev + i * c_tilde, rtol=1e-12)
    np.testing.assert_allclose(h, o * np.tanh(c), rtol=1e-12)


def test_direct_path_of_the_cell_update_is_diag_f():
    """Chapter 7: with the gates held fixed, ∂C_t/∂C_(t-1) = diag(f_t); through h_(t-1) the total differs."""
    p = lstm_ref.init_lstm(3, 4, seed=1)
    rng = np.random.default_rng(1)
    c_prev, x, o_prev = rng.normal(size=4), rng.normal(size=3), np.full(4, 0.5)
    h_fixed = o_prev * np.tanh(c_prev)
    f = lstm_ref.forget_gate(h_fixed, x, p["W_f"], p["b_f"])

    def jacobian(through_h):
        rows = []
        for k in range(4):
            def cell_k(c):
                h = o_prev * np.tanh(c) if through_h else h_fixed
                return lstm_ref.lstm_cell(h, c, x, p)[1][k]
            rows.append(lstm_ref.numerical_gradient(cell_k, c_prev.copy()))
        return np.array(rows)

    np.testing.assert_allclose(jacobian(False), np.diag(f), atol=1e-9)
    assert np.abs(jacobian(True) - np.diag(f)).max() > 1e-3
    # With no recurrent weights (the running example's case) the side paths vanish.
    for k in ("W_f", "W_i", "W_C", "W_o"):
        p[k][:, :4] = 0
    f = lstm_ref.forget_gate(h_fixed, x, p["W_f"], p["b_f"])
    np.testing.assert_allclose(jacobian(True), np.diag(f), atol=1e-9)
