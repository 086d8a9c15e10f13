"""Compile the place register shipped in ``catalogue/data/places.json``.

Run from the repository root with the shared reference data beside it::

    python tools/build_places.py ../shared/data/places

The sources are public registers compiled by others (see ``catalogue/data/PLACES-NOTICE.md``);
this script only joins them into one compact file so that lookups need no parsing at start-up.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "catalogue" / "data" / "places.json"


def _parallel_names(kartverket: str, name_no: str) -> list[dict[str, str]]:
    """Tag each parallel name: Kartverket lists Norwegian, Sami and (last, when three) Kven."""
    parts = [p.strip() for p in kartverket.split(" - ")]
    names = [{"name": name_no, "lang": "no"}]
    others = [p for p in parts if p != name_no]
    for i, other in enumerate(others):
        lang = "fkv" if len(parts) == 3 and i == len(others) - 1 else "smi"
        names.append({"name": other, "lang": lang})
    return names


def main(src: Path) -> None:
    municipalities = json.loads((src / "municipalities-2025.json").read_text("utf-8"))
    counties = json.loads((src / "counties-2025.json").read_text("utf-8"))
    postal = json.loads((src / "postal-codes-2026.json").read_text("utf-8"))
    with (src / "kommune-centroids-2024.csv").open(encoding="utf-8") as f:
        centroids = {row["kommunenummer"]: row for row in csv.DictReader(f)}

    kommuner = []
    for m in sorted(municipalities, key=lambda m: m["id"]):
        c = centroids[m["id"]]
        kommuner.append(
            {
                "nr": m["id"],
                "name": m["name"],
                "name_no": m["name_no"],
                "names": _parallel_names(c["navn_kartverket"], m["name_no"]),
                "official": c["navn_kartverket"],
                "malform": m["language"],
                "adm_center": m["adm_center"],
                "population": m["population"],
                "lat": float(c["lat"]),
                "lon": float(c["lon"]),
            }
        )
    data = {
        "attribution": (
            "Kommuner, fylker and postal codes: aprestmo/norway-geodata (MIT), compiled from "
            "Kartverket's and Posten/Bring's public registers. Kommune centroids: © Kartverket "
            "(CC BY 4.0) via robhop/fylker-og-kommuner."
        ),
        "fylker": [{"nr": c["id"], "name": c["name"]} for c in sorted(counties, key=lambda c: c["id"])],
        "kommuner": kommuner,
        "postal_codes": {p["code"]: [p["place"], p["id"]] for p in sorted(postal, key=lambda p: p["code"])},
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(f"{len(kommuner)} kommuner, {len(data['fylker'])} fylker, "
          f"{len(data['postal_codes'])} postal codes -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/places"))
