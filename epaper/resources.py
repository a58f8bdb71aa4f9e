"""Where epaper's data folders are: the one place that knows."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The ``layouts`` or ``fonts`` folder: ``EPAPER_<NAME>_DIR``, the repo's, or the wheel's."""
    override = os.environ.get(f"EPAPER_{name.upper()}_DIR")
    if override:
        return Path(override).resolve()
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name
