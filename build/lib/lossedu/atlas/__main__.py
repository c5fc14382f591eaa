"""``python -m lossedu.atlas``: see :mod:`lossedu.atlas.cli`."""

import sys

from .cli import main

sys.exit(main())
