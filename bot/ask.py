"""``losen ask``: the stable machine interface, one process for thousands of questions.

Each question is answered on its own (a fresh conversation), so the output for a line never
depends on the lines before it.
"""

from __future__ import annotations

import argparse
import json
import sys

from .context import open_app, parse_now


def run_ask(args: argparse.Namespace) -> int:
    app = open_app(args.database)
    dialogue = app.dialogue()
    now = parse_now(args.now)
    if args.jsonl:
        out = sys.stdout
        for n, line in enumerate(sys.stdin):
            answer = dialogue.answer(f"ask-{n}", line.rstrip("\n"), now)
            out.write(json.dumps(answer.as_json(args.explain), ensure_ascii=False) + "\n")
        out.flush()
        return 0
    text = " ".join(args.text) if args.text else sys.stdin.read()
    answer = dialogue.answer("ask", text, now)
    if args.json:
        print(json.dumps(answer.as_json(args.explain), ensure_ascii=False, indent=2))
    else:
        print(answer.text)
        if args.explain:
            for m in answer.reply.matches:
                print(f"  [{m.offer.id}] {m.explain()}")
    return 0
