"""Cold start of ``losen ask`` and the time to import the demo catalogue.

Usage: python bench/startup.py [--runs N]
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


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    losen = [sys.executable, "-m", "losen.bot.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LOSEN_DATABASE_URL": f"sqlite:///{Path(tmp) / 'b.sqlite3'}"}
        first = timed([*losen, "ask", "--json", "Hei"], env)  # creates and migrates the database
        cold = [timed([*losen, "ask", "--json", "Hei"], env) for _ in range(args.runs)]
        bare = [timed([sys.executable, "-c", "pass"], env) for _ in range(args.runs)]
        demo = Path(tmp) / "demo.csv"
        from losen.catalogue.csvio import write_csv
        from losen.catalogue.transfer import demo_offers

        demo.write_text(write_csv(demo_offers()), "utf-8")
        imports = []
        for i in range(args.runs):
            env_i = {**env, "LOSEN_DATABASE_URL": f"sqlite:///{Path(tmp) / f'i{i}.sqlite3'}"}
            subprocess.run([*losen, "ask", "Hei"], env=env_i, check=True, capture_output=True)
            imports.append(timed([*losen, "catalogue", "import", str(demo)], env_i))
    print(f"losen ask --json Hei, first run (creates + migrates SQLite): {first:.3f} s")
    print(f"losen ask --json Hei, cold process: median {statistics.median(cold):.3f} s, "
          f"max {max(cold):.3f} s over {args.runs} runs")
    print(f"python -c pass (interpreter alone): median {statistics.median(bare):.3f} s")
    print(f"losen catalogue import demo.csv ({len(demo_offers())} offers, whole process): "
          f"median {statistics.median(imports):.3f} s, max {max(imports):.3f} s")


if __name__ == "__main__":
    main()
