"""The measurements of the chapter "Looking inside a trained LSTM" (book/inside_lstm.py), on text we can read."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book"))
import inside_lstm  # noqa: E402

SNIPPET = 'def f(a, b):\n    s = "(x"  # (\n    return [a, (b)]\n'


def at(text, props, name, needle, offset=0):
    return props[name][text.index(needle) + offset]


def test_properties_follow_pythons_tokenizer():
    props = inside_lstm.properties(SNIPPET)
    assert all(len(v) == len(SNIPPET) for v in props.values())
    # inside a string: after the opening quote, up to (not after) the closing one
    assert at(SNIPPET, props, "inside a string", '"(x"') == 1
    assert at(SNIPPET, props, "inside a string", '(x"') == 1
    assert at(SNIPPET, props, "inside a string", '"  #') == 0
    # brackets inside the string and the comment do not count
    assert at(SNIPPET, props, "bracket depth", "a, b") == 1
    assert at(SNIPPET, props, "bracket depth", "x") == 0
    assert at(SNIPPET, props, "bracket depth", "b)]") == 2
    assert at(SNIPPET, props, "bracket depth", "\n", 0) == 0
    assert at(SNIPPET, props, "inside a comment", "# (") == 1
    assert at(SNIPPET, props, "inside a comment", "return") == 0
    # indentation counts leading spaces read so far; position in the line restarts after each newline
    k = SNIPPET.index("return")
    assert props["indentation"][k] == 4 and props["indentation"][k - 2] == 3
    assert props["position in the line"][k] == 5
    assert props["position in the line"][SNIPPET.index("\n")] == 0


def test_properties_name_text_that_python_cannot_tokenize():
    with pytest.raises(ValueError, match="cannot tokenize"):
        inside_lstm.properties('    s = """never closed\n')


def test_correlations_are_pearsons_r_per_cell():
    rng = np.random.default_rng(0)
    values, prop = rng.normal(size=(50, 4)), rng.normal(size=50)
    values[:, 2] = 3 * prop + 1          # a perfect tracker
    r = inside_lstm.correlations(values, prop)
    np.testing.assert_allclose(r, [np.corrcoef(values[:, j], prop)[0, 1] for j in range(4)], atol=1e-12)
    assert r[2] == pytest.approx(1.0)
    found = inside_lstm.best_cells(values, rng.normal(size=(50, 4)), {"p": prop})
    assert found[0].cell == 2 and found[0].r == pytest.approx(1.0) and abs(found[0].untrained_r) < 0.5


def test_saturation_counts_fractions_per_cell():
    gate = np.array([[0.05, 0.5], [0.95, 0.5], [0.5, 0.99], [0.01, 0.5]])
    low, high = inside_lstm.saturation(gate)
    np.testing.assert_allclose(low, [0.5, 0.0])
    np.testing.assert_allclose(high, [0.25, 0.25])
