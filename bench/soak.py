"""The full soak of issue "robustness": 10,000 messages from 500 people, two instances of the
bot behind their webhooks on one PostgreSQL database, through real python-telegram-bot and the
Bot API server on 127.0.0.1 (all in this process). Prints whether every message was answered
exactly once and in order, the answer times, and the process's memory from start to end.

Usage: python bench/soak.py [--users 500] [--messages 20] [--database postgresql://…|sqlite]
(the PostgreSQL URL defaults to LOSEN_TEST_POSTGRES_URL; each run uses a schema of its own,
dropped afterwards). The short form runs in CI as tests/test_soak.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# tests/ in place of this folder: bench/telegram.py would hide python-telegram-bot's package.
sys.path[0] = str(ROOT / "tests")

from botapi import FakeBotApi  # noqa: E402
from conftest import _postgres_url  # noqa: E402
from soak import run_soak  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--messages", type=int, default=20, help="messages per person")
    parser.add_argument("--database", default=os.environ.get("LOSEN_TEST_POSTGRES_URL",
                                                             "sqlite"))
    args = parser.parse_args()
    api = FakeBotApi()
    api.start()
    try:
        if args.database == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{folder}/soak.sqlite3"
                result = asyncio.run(run_soak(api, url, args.users, args.messages, 120))
        else:
            urls = _postgres_url(args.database)
            url = next(urls)
            try:
                result = asyncio.run(run_soak(api, url, args.users, args.messages, 120))
            finally:
                next(urls, None)
    finally:
        api.stop()
    print(f"database: {'sqlite' if args.database == 'sqlite' else 'postgresql'}")
    print(result.report())
    if not result.ok:
        print("first problems:", result.missing[:5], result.doubled[:5], result.out_of_order[:5])
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
