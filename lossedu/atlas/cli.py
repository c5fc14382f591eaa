"""The atlas's command line: ``python -m lossedu.atlas [--json] [--ids abs,relu]
[--frameworks torch,jax]`` prints the table of every entry (:func:`main`)."""

from __future__ import annotations

import argparse
import json
from typing import Sequence

from .probing import FRAMEWORKS, run
from .tables import markdown_table, versions_header


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m lossedu.atlas [--json] [--ids abs,relu] [--frameworks torch,jax]``."""
    parser = argparse.ArgumentParser(
        prog="python -m lossedu.atlas",
        description="What each installed framework returns as the gradient at kinks, ties and jumps.")
    parser.add_argument("--json", action="store_true", help="print a JSON array instead of markdown")
    parser.add_argument("--ids", help="comma-separated entry ids (default: all)")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS),
                        help=f"comma-separated, from {','.join(FRAMEWORKS)}")
    args = parser.parse_args(argv)
    ids = args.ids.split(",") if args.ids else None
    try:
        results = run(ids, args.frameworks.split(","))
    except ValueError as error:
        parser.error(str(error))
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=1))
    else:
        print(f"Gradients at the kink, generated with {versions_header(args.frameworks.split(','))}\n")
        print(markdown_table(results, central="numpy-central" in args.frameworks.split(",")))


