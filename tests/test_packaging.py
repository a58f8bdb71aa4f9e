"""Packaging: the licence, declared dependencies with upper bounds, data found as resources."""

from __future__ import annotations

import ast
import importlib.metadata
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import ROOT
from epaper import resources

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# a new major (or, below 1.0, a new minor) of these has broken or would break us
MUST_BE_BOUNDED = {"weasyprint", "pypdf", "typer", "ruff", "pydantic", "markdown-it-py",
                   "jinja2", "babel", "pillow", "fonttools", "rich", "pyyaml", "markupsafe",
                   "pdfplumber", "pytest"}


def requirements() -> list[Requirement]:
    project = PYPROJECT["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        found += [Requirement(r) for r in extra]
    return found


def test_the_licence_file_is_the_agpl() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
    assert "Version 3, 19 November 2007" in text and "END OF TERMS AND CONDITIONS" in text
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in text
    assert PYPROJECT["project"]["license"] == "AGPL-3.0-or-later"


def test_every_imported_distribution_is_declared() -> None:
    declared = {r.name.lower().replace("_", "-") for r in requirements()}
    owners = importlib.metadata.packages_distributions()
    missing = {}
    for path in sorted((ROOT / "epaper").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                if top == "epaper" or top in sys.stdlib_module_names:
                    continue
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
                if not dists & declared:
                    missing[top] = f"{path.relative_to(ROOT)} (from {sorted(dists)})"
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


@pytest.mark.parametrize("name", sorted(MUST_BE_BOUNDED))
def test_dependencies_have_upper_bounds(name: str) -> None:
    found = [r for r in requirements() if r.name.lower() == name]
    assert found, f"{name} is not declared"
    assert any(s.operator in ("<", "<=", "~=", "==") for s in found[0].specifier), (
        f"{name} has no upper bound: {found[0]}")
    installed = importlib.metadata.version(name)
    assert found[0].specifier.contains(installed, prereleases=True), (name, installed)


def test_data_folders_come_from_the_package_resources(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed from a wheel, the data is inside the package (epaper/_data)."""
    fake = tmp_path / "site" / "epaper"
    (fake / "_data" / "layouts").mkdir(parents=True)
    monkeypatch.delenv("EPAPER_LAYOUTS_DIR", raising=False)
    monkeypatch.setattr(resources, "_package_files", lambda: fake)
    monkeypatch.setattr(resources, "_CHECKOUT", tmp_path / "no-checkout")
    assert resources.data_dir("layouts") == fake / "_data" / "layouts"
    monkeypatch.setenv("EPAPER_LAYOUTS_DIR", str(tmp_path))
    assert resources.data_dir("layouts") == tmp_path.resolve()
