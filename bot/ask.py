"""``losen ask``: the stable machine interface, one process for thousands of questions."""

from __future__ import annotations

import argparse
import json
import sys

from .context import open_app, parse_now
from .dialogue import Dialogue


def run_ask(args: argparse.Namespace) -> int:
    app = open_app(args.database)
    dialogue = Dialogue(app.offers(), now=parse_now(args.now))
    if args.jsonl:
        out = sys.stdout
        for line in sys.stdin:
            answer = dialogue.answer(line.rstrip("\n"))
            out.write(json.dumps(answer.as_json(), ensure_ascii=False) + "\n")
        out.flush()
        return 0
    text = " ".join(args.text) if args.text else sys.stdin.read()
    answer = dialogue.answer(text)
    if args.json:
        print(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
    else:
        print(answer.text)
    return 0
