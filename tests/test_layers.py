"""The house's layers (README "Layout"): pyproject.toml's import-linter contracts hold, and
they cover every package of the repository, so a new app cannot slip past them."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
# Not part of the service: the suite and the benchmark import whatever they test.
OUTSIDE = {"tests", "bench"}


def test_no_package_imports_one_above_it_nor_a_sibling():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - the venv's own import-linter
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_package_of_the_repository_is_in_exactly_one_layer():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in OUTSIDE and not path.parent.name.startswith(".")
    }
    assert set(CONFIG["root_packages"]) == packages
    (layers,) = [c["layers"] for c in CONFIG["contracts"] if c["type"] == "layers"]
    in_layers = [name for layer in layers for name in re.split(r"\s*[:|]\s*", layer)]
    assert sorted(in_layers) == sorted(packages)


def test_the_apps_of_one_layer_are_kept_apart():
    """The layers contract lets siblings (`a : b`) import each other; an independence
    contract per layer forbids it."""
    (layers,) = [c["layers"] for c in CONFIG["contracts"] if c["type"] == "layers"]
    siblings = [set(re.split(r"\s*:\s*", layer)) for layer in layers if ":" in layer]
    independent = [set(c["modules"]) for c in CONFIG["contracts"] if c["type"] == "independence"]
    assert sorted(map(sorted, siblings)) == sorted(map(sorted, independent))
