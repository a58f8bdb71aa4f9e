"""``python -m epaper.cli``: the same as the ``epaper`` command."""

from epaper.cli import main

main()
