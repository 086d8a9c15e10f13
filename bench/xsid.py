"""How often real out-of-scope speech is wrongly served as a request for help.

Reads the xSID Norwegian validation file (3,300 utterances about weather, alarms, reminders,
music, restaurants and films; CC BY-SA 4.0, see NOTICE.md) and counts the messages Losen
would treat as ``find_offer``, ``crisis``, ``volunteer`` or ``nav_question``. Losen never
trains on this file.

Usage: python bench/xsid.py [PATH] [--show N]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from losen.intents import understand

SERVED = ("find_offer", "crisis", "volunteer", "nav_question")
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "xsid" / "no.valid.conll"


def utterances(path: Path) -> list[tuple[str, str]]:
    out, dialect = [], ""
    text = None
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("# text = "):
            text = line[len("# text = "):]
        elif line.startswith("# dialect = ") and text is not None:
            dialect = line[len("# dialect = "):].strip()
            out.append((text, dialect))
            text = None
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--show", type=int, default=0, help="print N wrongly served messages")
    args = parser.parse_args()
    items = utterances(args.path)
    results = [(text, dialect, understand(text)) for text, dialect in items]
    served = [(t, d, u) for t, d, u in results if u.intent in SERVED]
    print(f"xSID {args.path.name}: {len(items)} utterances, all out of scope for Losen")
    print(f"wrongly served: {len(served)} = {len(served) / len(items):.2%} (goal <= 2%)")
    print("  by intent:", dict(Counter(u.intent for _, _, u in served)))
    by_dialect = Counter(d for _, d, _ in results)
    wrong_dialect = Counter(d for _, d, _ in served)
    print("  by dialect:", ", ".join(f"{d} {wrong_dialect[d]}/{n}" for d, n in sorted(by_dialect.items())))
    print("  answered as:", dict(Counter(u.intent for _, _, u in results).most_common()))
    for text, dialect, u in served[: args.show]:
        print(f"  [{dialect}] {text!r} -> {u.intent} {u.needs}")


if __name__ == "__main__":
    main()
