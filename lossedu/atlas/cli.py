"""The atlas's command line (:func:`main`).

``python -m lossedu.atlas`` asks every installed framework for every entry and compares the
answers with the table stored with the book, naming the versions on both sides; it exits with
status 1 when an answer differs, so a team can run it in its own CI. Options:
``--frameworks torch,jax`` and ``--ids abs,relu`` narrow it down; ``--table`` prints this
machine's answers as a markdown table instead, ``--json`` as JSON; ``--show ID`` prints each
framework's snippet for one entry with its answer; ``--write PATH`` stores the run (``make
atlas`` writes the book's table this way). ``--changes FRAMEWORK [OLD [NEW]]`` probes nothing:
it prints, from the history stored with the book (:mod:`lossedu.atlas.history`), which answers
changed between two releases (by default from the oldest stored one to the one installed here).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from .entries import ENTRY_BY_ID
from .frameworks import FRAMEWORKS
from .history import installed_version, report
from .probing import is_installed, run, same_answer, store, stored
from .tables import TITLES, describe, markdown_table, versions_header


def _split(text: str | None):
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


def compare(results, book) -> tuple[list[str], int]:
    """The report of ``results`` against the stored ``book`` run, and how many answers differ."""
    theirs = {(r.id, r.framework): r for r in book.results}
    ran = [r for r in results if r.kind != "not installed"]
    lines = [f"The book's table: made {book.date} with Python {book.python} on {book.platform}.",
             "Versions, here and in the book:"]
    for framework in dict.fromkeys(r.framework for r in results):
        here = next(r.version for r in results if r.framework == framework)
        there = book.versions.get(framework)
        lines.append(f"  {TITLES[framework]:<24} {here or 'not installed (skipped)':<26} "
                     f"{there or '-'}")
    differ = [r for r in ran if (r.id, r.framework) in theirs
              and not same_answer(r, theirs[r.id, r.framework])]
    unknown = [r for r in ran if (r.id, r.framework) not in theirs]
    lines.append(f"{len(ran) - len(differ) - len(unknown)} of {len(ran)} answers agree with the "
                 f"book; {len(differ)} differ.")
    for r in differ:
        b = theirs[r.id, r.framework]
        lines.append(f"  {r.id} ({TITLES[r.framework]}): here {describe(r)} ({r.version}), "
                     f"book {describe(b)} ({b.version})")
    for r in unknown:
        lines.append(f"  {r.id} ({TITLES[r.framework]}): not in the book's table")
    return lines, len(differ)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns its exit status (1 when an answer differs from the book's)."""
    parser = argparse.ArgumentParser(
        prog="python -m lossedu.atlas",
        description="What each installed framework returns as the gradient at kinks, ties and "
                    "jumps, compared with the table stored with the book.")
    parser.add_argument("--frameworks", help=f"comma-separated, from {','.join(FRAMEWORKS)} "
                        "(default: every installed one)")
    parser.add_argument("--ids", help="comma-separated entry ids (default: all)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--table", action="store_true", help="print a markdown table, no comparison")
    mode.add_argument("--json", action="store_true", help="print a JSON array, no comparison")
    mode.add_argument("--show", metavar="ID", help="print every framework's snippet for one entry")
    mode.add_argument("--write", metavar="PATH", help="store the run as a JSON table at PATH")
    mode.add_argument("--changes", nargs="+", metavar="ARG",
                      help="FRAMEWORK [OLD [NEW]]: which answers changed between two releases, "
                           "from the book's history (default: the oldest stored release to the "
                           "one installed here)")
    args = parser.parse_args(argv)
    if args.changes:
        if len(args.changes) > 3 or args.frameworks or args.ids:
            parser.error("--changes takes FRAMEWORK [OLD [NEW]] and no other option")
        name, *versions = args.changes
        try:
            installed = installed_version(name)
            print("\n".join(report(name, *versions, installed=installed)))
        except ValueError as error:
            parser.error(str(error))
        return 0
    ids, frameworks = _split(args.ids), _split(args.frameworks)
    if args.show:
        ids = [args.show]
    if frameworks is None and not args.write:
        frameworks = [f for f in FRAMEWORKS if is_installed(f)]
    try:
        results = run(ids, frameworks)
    except ValueError as error:
        parser.error(str(error))
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=1))
    elif args.table:
        print(f"Gradients at the kink, generated with {versions_header(results)}\n")
        print(markdown_table(results))
    elif args.show:
        entry = ENTRY_BY_ID[args.show]
        print(f"{entry.id}: {entry.what}\n")
        for r in results:
            snippet = entry.snippet(r.framework)
            print(f"## {TITLES[r.framework]} {r.version or ''}: {describe(r)}")
            print(snippet if isinstance(snippet, str) else f"(no such op: {snippet.reason})")
            print()
    elif args.write:
        store(results, args.write, environment="this book's build")
        print(f"wrote {len(results)} answers to {args.write}")
    else:
        lines, differ = compare(results, stored())
        print("\n".join(lines))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
