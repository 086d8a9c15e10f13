"""Losen installs inside the ``losen`` namespace and never shadows PyPI's catalogue or intents."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (path,) = out.glob("losen-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_installs_everything_inside_the_losen_namespace(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    tops = {n.split("/")[0] for n in names if ".dist-info/" not in n}
    assert tops == {"losen"}
    assert "losen/catalogue/places.py" in names and "losen/intents/__init__.py" in names
    assert not any(n.startswith(("catalogue/", "intents/", "bot/")) for n in names)


def test_wheel_ships_data_migrations_and_compiled_catalogues(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for required in (
        "losen/catalogue/data/places.json",
        "losen/catalogue/data/bydeler.json",
        "losen/catalogue/data/needs.json",
        "losen/catalogue/data/demo.csv",
        "losen/catalogue/migrations/env.py",
        "losen/locales/nb/LC_MESSAGES/losen.mo",
        "losen/locales/nn/LC_MESSAGES/losen.mo",
        "losen/locales/en/LC_MESSAGES/losen.mo",
    ):
        assert required in names, required
    assert any(n.startswith("losen/catalogue/migrations/versions/0001") for n in names)


def test_bare_top_level_names_do_not_resolve_to_this_repository() -> None:
    import importlib.util

    for bare in ("bot", "intents", "catalogue"):
        spec = importlib.util.find_spec(bare)
        assert spec is None or not str(spec.origin or "").startswith(str(ROOT)), bare
