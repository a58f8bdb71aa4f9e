"""Where epaper's data folders are: the one place that knows."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

# A source checkout (or an editable install) keeps the data beside the package.
_CHECKOUT = Path(__file__).resolve().parent.parent


def _package_files() -> Path:
    """The installed package's folder, as importlib.resources sees it (a wheel's data is
    force-included under ``epaper/_data``; see pyproject.toml)."""
    return Path(str(files("epaper")))


def data_dir(name: str) -> Path:
    """The ``layouts`` or ``fonts`` folder: ``EPAPER_<NAME>_DIR``, the installed package's
    ``_data/<name>``, or a source checkout's ``<name>``."""
    override = os.environ.get(f"EPAPER_{name.upper()}_DIR")
    if override:
        return Path(override).resolve()
    packaged = _package_files() / "_data" / name
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / name
