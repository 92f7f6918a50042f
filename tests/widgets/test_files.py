"""Each widget's ES module and stylesheet are real files that anywidget loads by path, built from the sources."""
import pytest

import lstm_widgets
from lstm_ref import char_model
from lstm_widgets import _assets
from lstm_widgets._assets import WIDGETS, module_file, style_file

CLASSES = {"gate_explorer": lstm_widgets.GateExplorer, "memory_over_time": lstm_widgets.MemoryOverTime,
           "gradient_reach": lstm_widgets.GradientReach, "language_model": lstm_widgets.LanguageModel,
           # a tiny untrained model is enough to build the widget
           "cell_reader": lambda: lstm_widgets.CellReader(char_model.init_char_model(4), "ab", [(0, "cell 0")])}


@pytest.mark.parametrize("name", WIDGETS)
def test_a_widget_loads_its_module_and_style_from_their_files(name):
    widget = CLASSES[name]()
    assert widget._esm == module_file(name).read_text(encoding="utf-8")
    assert widget._css == style_file(name).read_text(encoding="utf-8")
    source = (_assets.STATIC / f"{name}.js").read_text(encoding="utf-8")
    common = (_assets.STATIC / "common.js").read_text(encoding="utf-8")
    assert source in widget._esm and common in widget._esm     # the view and the helpers it shares
    assert widget._esm.index(common) < widget._esm.index(source)


def test_missing_or_stale_files_are_rebuilt_and_current_ones_left_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(_assets, "MODULES", tmp_path / "modules")
    assert sorted(p.name for p in _assets.build()) == sorted(f"{n}.{ext}" for n in WIDGETS for ext in ("js", "css"))
    stale = tmp_path / "modules" / "gate_explorer.js"
    stale.write_text("// an older build", encoding="utf-8")
    assert _assets.build() == [stale]
    assert stale.read_text(encoding="utf-8") == _assets.built_module("gate_explorer")
    assert _assets.build() == []
