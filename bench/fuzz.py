"""The fuzzing properties of ``tests/test_fuzz.py`` (issue 8), run much longer than CI runs them.

Each property gets ``--factor`` times the examples CI tries (default 50), with fresh random
inputs unless ``--derandomize``; the script prints how many inputs each property was tried on
(shrinking a failure included), how long it took, and any failure with the smallest input
hypothesis shrank it to. The exit status is 1 when a property failed. The desk properties use
a SQLite file in a temporary folder.

Usage: python bench/fuzz.py [--factor N | --examples N] [--derandomize] [--only NAME ...] [--list]
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The properties live with the tests; and bench/telegram.py must not hide the telegram package.
sys.path[:] = [str(ROOT / "tests")] + [p for p in sys.path
                                       if Path(p or ".").resolve() != ROOT / "bench"]

from test_fuzz import PROPERTIES, run  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=50,
                        help="examples per property, as a multiple of CI's (default 50)")
    parser.add_argument("--examples", type=int, help="the same number of examples for all")
    parser.add_argument("--derandomize", action="store_true",
                        help="the same inputs on every run, as in CI")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these properties")
    parser.add_argument("--list", action="store_true", help="list the properties and stop")
    args = parser.parse_args()

    names = {p.name for p in PROPERTIES}
    unknown = sorted(set(args.only or ()) - names)
    if unknown:
        parser.error(f"unknown properties: {', '.join(unknown)}; known: {', '.join(sorted(names))}")
    if args.list:
        for p in PROPERTIES:
            print(f"{p.name:16} {p.examples:5} examples in CI")
        return 0

    failed: list[str] = []
    total_tried, started = 0, time.perf_counter()
    print(f"{'property':16} {'tried':>8} {'seconds':>8}  result")
    for prop in PROPERTIES:
        if args.only and prop.name not in args.only:
            continue
        examples = args.examples or prop.examples * args.factor
        tried = 0

        def count() -> None:
            nonlocal tried
            tried += 1

        start = time.perf_counter()
        try:
            run(prop, examples, derandomize=args.derandomize, on_example=count)
        except Exception as exc:  # a property failed: say which input, and go on to the next
            failed.append(prop.name)
            result = f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            detail = "".join(traceback.format_exception(exc)[-12:])
        else:
            result, detail = "ok", ""
        total_tried += tried
        print(f"{prop.name:16} {tried:8} {time.perf_counter() - start:8.1f}  {result}", flush=True)
        if detail:
            print(detail, flush=True)
    print(f"{'all':16} {total_tried:8} {time.perf_counter() - started:8.1f}  "
          f"{'FAILED: ' + ', '.join(failed) if failed else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
