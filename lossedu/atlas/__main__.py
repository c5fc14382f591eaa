"""``python -m lossedu.atlas``: see :mod:`lossedu.atlas.cli`."""

from .cli import main

main()
