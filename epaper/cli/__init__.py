"""The ``epaper`` command line: the only package that imports typer.

``app`` holds the typer app, the shared output and error handling and the entry point; the
other modules hold the commands, grouped by what they work on. They are imported below in
the order ``epaper --help`` lists their commands (typer lists them as they are registered).
"""

from epaper.cli.app import app, main

# isort: off
from epaper.cli import articles, build, web, press, archive  # noqa: F401  (registers commands)
# isort: on

__all__ = ["app", "main"]
