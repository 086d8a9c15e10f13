"""Speed of understanding: per message, ``losen ask --jsonl`` marginal cost, and cold start.

Targets (issue "Norwegian understanding"): median <= 1 ms and p99 <= 5 ms per message;
``--jsonl`` over 1,000 questions costs <= 2 ms more per question than over 100; a cold
``losen ask`` <= 1.5 s.

Usage: python bench/speed.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from losen.intents import understand
from losen.intents.examples import load_examples

ROOT = Path(__file__).resolve().parent.parent


def messages() -> list[str]:
    texts = [e.text for e in load_examples()]
    dev = ROOT / "bench" / "data" / "dev.tsv"
    texts += [line.split("\t")[0] for line in dev.read_text("utf-8").splitlines()[1:]]
    return texts


def per_message(rounds: int) -> None:
    texts = messages()
    start = time.perf_counter()
    understand("hei")  # loads data and trains the classifier once
    print(f"first call (loads vocabulary, trains on {len(load_examples())} examples): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
    for label, n in (("first pass", 1), (f"{rounds} passes", rounds)):
        timings = []
        for _ in range(n):
            for text in texts:
                t0 = time.perf_counter()
                understand(text)
                timings.append(time.perf_counter() - t0)
        timings.sort()
        p99 = timings[int(len(timings) * 0.99)]
        print(f"understand(), {label}: {len(timings)} calls over {len(texts)} distinct messages: "
              f"median {statistics.median(timings) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms, "
              f"max {timings[-1] * 1000:.3f} ms")


def jsonl(n: int, env: dict[str, str]) -> float:
    texts = messages()
    lines = "\n".join(texts[i % len(texts)] for i in range(n)) + "\n"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "losen.bot.cli", "ask", "--jsonl"], input=lines,
                   text=True, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def processes() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LOSEN_DATABASE_URL": f"sqlite:///{Path(tmp) / 's.sqlite3'}"}
        subprocess.run([sys.executable, "-m", "losen.bot.cli", "ask", "Hei"], env=env, check=True,
                       capture_output=True)
        cold = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "losen.bot.cli", "ask", "--json", "Hei"], env=env,
                           check=True, capture_output=True)
            cold.append(time.perf_counter() - t0)
        print(f"cold `losen ask --json Hei`: median {statistics.median(cold):.3f} s, "
              f"max {max(cold):.3f} s (5 runs)")
        t100 = min(jsonl(100, env) for _ in range(3))
        t1000 = min(jsonl(1000, env) for _ in range(3))
        print(f"`losen ask --jsonl`: 100 questions {t100:.3f} s ({t100 / 100 * 1000:.2f} ms each), "
              f"1,000 questions {t1000:.3f} s ({t1000 / 1000 * 1000:.2f} ms each); marginal "
              f"{(t1000 - t100) / 900 * 1000:.2f} ms per extra question")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    per_message(args.rounds)
    processes()


if __name__ == "__main__":
    main()
