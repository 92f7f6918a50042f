"""Build what a learner downloads from the site into _build/learner/downloads/ (served at /downloads/).

- one kit per assignment, `<notebook>.zip`: the released notebook and the self-checks `lstm_checks/` beside it,
  so that unzipping and opening the notebook is all it takes (numpy is the only other need);
- `all_exercises.zip`: every assignment's folder and one `lstm_checks/` at the top;
- `lstm_checks-<version>-py3-none-any.whl`: the self-checks alone (numpy its one dependency), for a hosted
  Jupyter: `%pip install <site>/downloads/<wheel>`, the line the notebooks' setup cell prints.

Made from exercises/ and lstm_checks/ at every `make book`, never committed, so they cannot drift.
`html_extra_path` in _config.yml copies the folder to the site's root.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lstm_grader.course_site import DOWNLOADS, version, wheel_name  # noqa: E402

OUT = ROOT / "_build" / "learner" / DOWNLOADS
ALL = "all_exercises.zip"
# Fixed timestamps: a rebuild from the same sources gives byte-identical zips.
EPOCH = (2026, 1, 1, 0, 0, 0)


def checks_files() -> list[Path]:
    """The files of lstm_checks a learner needs: its modules and data, no caches."""
    return sorted(p for p in (ROOT / "lstm_checks").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix in {".py", ".json"})


def kit_name(notebook: Path) -> str:
    return f"{notebook.stem}.zip"


def _add(zf: zipfile.ZipFile, src: Path, arcname: str) -> None:
    info = zipfile.ZipInfo(arcname, EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, src.read_bytes())


def _add_checks(zf: zipfile.ZipFile, prefix: str) -> None:
    for path in checks_files():
        _add(zf, path, prefix + path.relative_to(ROOT).as_posix())


def build_kits() -> list[Path]:
    made = []
    notebooks = sorted((ROOT / "exercises").glob("*/*.ipynb"))
    for notebook in notebooks:
        folder = notebook.stem  # unzips into one folder: forget_gate/forget_gate.ipynb, forget_gate/lstm_checks/
        with zipfile.ZipFile(OUT / kit_name(notebook), "w") as zf:
            _add(zf, notebook, f"{folder}/{notebook.name}")
            _add_checks(zf, f"{folder}/")
        made.append(OUT / kit_name(notebook))
    with zipfile.ZipFile(OUT / ALL, "w") as zf:
        for notebook in notebooks:
            _add(zf, notebook, f"lstm_exercises/{notebook.parent.name}/{notebook.name}")
        _add_checks(zf, "lstm_exercises/")
    made.append(OUT / ALL)
    return made


PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "lstm-checks"
version = "{version}"
description = "Self-checks for the exercises of the course Understanding LSTMs, interactively"
requires-python = ">=3.10"
dependencies = ["numpy>=1.24"]

[tool.setuptools]
packages = ["lstm_checks"]

[tool.setuptools.package-data]
lstm_checks = ["*.json"]
"""


def build_wheel() -> Path:
    """The wheel of lstm_checks alone, built with the venv's setuptools (no network)."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "lstm-checks"
        for path in checks_files():
            target = project / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        (project / "pyproject.toml").write_text(PYPROJECT.format(version=version()))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                        "--wheel-dir", str(OUT), str(project)], check=True)
    wheel = OUT / wheel_name()
    if not wheel.exists():
        raise SystemExit(f"the wheel build did not make {wheel.name}")
    return wheel


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    made = build_kits() + [build_wheel()]
    for path in made:
        print(f"built {path.relative_to(ROOT)} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
