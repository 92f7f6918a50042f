"""lstm_ref stands alone: pure numpy at import, the documented names exported."""
import inspect
import subprocess
import sys

import lstm_ref


def test_importing_lstm_ref_loads_neither_torch_nor_the_course_packages():
    code = ("import sys, lstm_ref; bad = [m for m in ('torch', 'lstm_widgets', 'lstm_checks', 'lstm_grader') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_exported_name_exists_and_is_documented():
    for name in lstm_ref.__all__:
        obj = getattr(lstm_ref, name)
        assert inspect.getdoc(obj), f"{name} has no docstring"


def test_the_signatures_the_exercises_and_grader_rely_on():
    expected = {
        "sigmoid": "(z)", "forget_gate": "(h_prev, x, W_f, b_f)", "input_gate": "(h_prev, x, W_i, b_i)",
        "candidate": "(h_prev, x, W_C, b_C)", "output_gate": "(h_prev, x, W_o, b_o)",
        "update_cell": "(c_prev, f, i, c_tilde)", "hidden_state": "(c, o)",
        "lstm_cell": "(h_prev, c_prev, x, params)", "lstm_forward": "(xs, params, h0=None, c0=None)",
        "lstm_cell_backward": "(dh, dc, h_prev, c_prev, x, params)", "rnn_cell": "(h_prev, x, W, b)",
        "rnn_forward": "(xs, params, h0=None)", "numerical_gradient": "(f, x, eps=1e-05)",
        "gru_cell": "(h_prev, x, params, reset_after=False)", "peephole_lstm_cell": "(h_prev, c_prev, x, params)",
        "coupled_lstm_cell": "(h_prev, c_prev, x, params)", "lstm_backward": "(dh, out, params, dc=None)",
    }
    for name, signature in expected.items():
        assert str(inspect.signature(getattr(lstm_ref, name))) == signature, name
    assert str(inspect.signature(lstm_ref.init_lstm)).startswith(
        "(input_size, hidden_size, seed=0, forget_bias=1.0, dtype=")
