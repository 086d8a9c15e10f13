"""Matching, memory and import at scale: a generated catalogue of 100,000 offers.

Offers are spread over the kommuner in proportion to population (so Oslo gets ~14,000), with
random needs, labels, opening hours and verification dates. Prints: the import time of the
whole CSV through ``losen catalogue import``, the resident memory of a process holding the
loaded catalogue and its index, and the median and p99 time of one ``match`` call.

Usage: python bench/catalogue_scale.py [--offers N] [--queries N]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from losen.catalogue.csvio import HEADER
from losen.catalogue.opening import OSLO
from losen.catalogue.places import register
from losen.catalogue.taxonomy import NEED_CODES

DAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    places = register()
    kommuner = list(places.kommuner.values())
    weights = [max(k.population, 500) for k in kommuner]
    codes_by_kommune: dict[str, list[str]] = {}
    for pc in places.postal_codes.values():
        codes_by_kommune.setdefault(pc.kommunenummer, []).append(pc.code)
    today = date(2026, 11, 24)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            national = rng.random() < 0.002
            k = rng.choices(kommuner, weights)[0]
            needs = rng.sample(NEED_CODES, rng.choice((1, 1, 2, 3)))
            day = rng.randrange(7)
            start = rng.choice((9, 10, 12, 16, 18))
            schedule = f"{DAYS[day]} {start:02d}:00-{start + 2:02d}:00"
            if rng.random() < 0.3:
                schedule += f";{DAYS[(day + 2) % 7]} {start:02d}:00-{start + 3:02d}:00"
            code = rng.choice(codes_by_kommune.get(k.nr, [""]))
            pc = places.postal_code(code) if code else None
            w.writerow([
                f"gen-{i:06d}", f"Eksempel organisasjon {i % 3000}", f"Tilbud {i}", "Generert.",
                "|".join(needs), "" if national else k.nr, "national" if national else "local",
                "" if national else f"Gate {i % 200}", "" if national else code,
                "" if national or not pc else pc.poststed,
                "" if national else f"{k.lat + rng.uniform(-0.05, 0.05):.5f}",
                "" if national else f"{k.lon + rng.uniform(-0.05, 0.05):.5f}",
                f"22 99 {i % 100:02d} {(i // 100) % 100:02d}", "", "", schedule, "", "nb",
                rng.choice(("ja", "nei", "")), rng.choice(("ja", "")), rng.choice(("ja", "")),
                (today - timedelta(days=rng.randrange(200))).isoformat(),
            ])


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        generate(path, args.offers)
        url = f"sqlite:///{Path(tmp) / 'big.sqlite3'}"
        env = {**os.environ, "LOSEN_DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "losen.bot.cli", "ask", "hei"], env=env,
                       check=True, capture_output=True)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "losen.bot.cli", "catalogue", "import",
                               str(path)], env=env, capture_output=True, text=True)
        print(f"import of {args.offers:,} offers (whole process): "
              f"{time.perf_counter() - t0:.1f} s, exit {done.returncode} {done.stderr[:200]}")

        from losen.catalogue.db import open_database
        from losen.catalogue.matching import CatalogueIndex, Query, match, settle
        from losen.catalogue.store import load_offers

        before = rss_mb()
        _, sessions = open_database(url)
        t0 = time.perf_counter()
        with sessions() as session:
            offers = load_offers(session)
        loaded = time.perf_counter() - t0
        t0 = time.perf_counter()
        index = CatalogueIndex(offers)
        settle()
        built = time.perf_counter() - t0
        print(f"load {len(offers):,} offers from SQLite: {loaded:.1f} s; build index: {built:.1f} s")
        print(f"resident memory: {rss_mb():.0f} MB with the catalogue loaded "
              f"({before:.0f} MB before loading)")

        rng = random.Random(3)
        places = register()
        kommuner = list(places.kommuner.values())
        weights = [k.population for k in kommuner]
        now = datetime(2026, 11, 24, 13, 0, tzinfo=OSLO)
        timings, sizes = [], []
        for _ in range(args.queries):
            k = rng.choices(kommuner, weights)[0]
            query = Query(needs=(rng.choice(NEED_CODES),), kommunenummer=k.nr)
            t0 = time.perf_counter()
            result = match(index, query, now, limit=3)
            timings.append(time.perf_counter() - t0)
            sizes.append(len(result))
        timings.sort()
        print(f"match(), {args.queries} queries weighted by population: median "
              f"{statistics.median(timings) * 1000:.2f} ms, p99 "
              f"{timings[int(len(timings) * 0.99)] * 1000:.2f} ms, max {timings[-1] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
