"""The ``losen`` command line, run as a real process on real databases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA


def losen(*args: str, db: str, stdin: str = "", env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "LOSEN_DATABASE_URL": db, **(env or {})}
    full_env.pop("LOSEN_TELEGRAM_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "losen.bot.cli", *args], input=stdin,
                          capture_output=True, text=True, env=full_env, timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def test_console_script_is_installed() -> None:
    exe = shutil.which("losen", path=str(Path(sys.executable).parent))
    assert exe is not None
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True)
    assert "catalogue" in out.stdout and "ask" in out.stdout


def test_import_into_an_empty_database_imports_exactly_the_file(db: str) -> None:
    done = losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    assert done.returncode == 0, done.stderr
    assert "4 tilbud: 4 nye, 0 oppdatert" in done.stdout
    exported = losen("catalogue", "export", "--format", "csv", "-", db=db)
    ids = [line.split(",")[0] for line in exported.stdout.splitlines()[1:]]
    assert ids == ["t-kautokeino", "t-national-linje", "t-oslo-mat", "t-tromso-sprak"]


def test_reimport_reports_updates(db: str) -> None:
    losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    again = losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    assert "0 nye, 4 oppdatert" in again.stdout


def test_a_bad_file_is_refused_with_every_line_named_and_nothing_written(db: str) -> None:
    losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    refused = losen("catalogue", "import", str(DATA / "bad.csv"), db=db)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert "8 feil. Ingenting ble endret." in refused.stderr
    for line in (3, 4, 5, 6, 7, 8):
        assert f"Linje {line}, kolonne" in refused.stderr
    exported = losen("catalogue", "export", "--format", "csv", "-", db=db)
    assert len(exported.stdout.splitlines()) == 5


def test_missing_and_non_utf8_files_get_a_plain_answer(db: str, tmp_path: Path) -> None:
    missing = losen("catalogue", "import", str(tmp_path / "nope.csv"), db=db)
    assert missing.returncode != 0 and "Finner ikke filen" in missing.stderr
    latin = tmp_path / "latin1.csv"
    latin.write_bytes((DATA / "small.csv").read_text("utf-8").encode("latin-1", "replace"))
    refused = losen("catalogue", "import", str(latin), db=db)
    assert refused.returncode != 0 and "UTF-8" in refused.stderr and "Traceback" not in refused.stderr


def test_export_hsds_to_a_file_and_import_it_elsewhere(db: str, tmp_path: Path) -> None:
    losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    out = tmp_path / "catalogue.json"
    assert losen("catalogue", "export", "--format", "hsds", str(out), db=db).returncode == 0
    page = json.loads(out.read_text("utf-8"))
    assert page["total_items"] == 4
    service = next(s for s in page["contents"] if s["id"] == "t-oslo-mat")
    assert service["organization"]["name"] == "Test Bymisjon Oslo"
    assert service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "0653"
    assert {s["byday"] for s in service["schedules"]} == {"TU", "TH"}
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert losen("catalogue", "import", str(out), db=other).returncode == 0
    a = losen("catalogue", "export", "--format", "csv", "-", db=db).stdout
    b = losen("catalogue", "export", "--format", "csv", "-", db=other).stdout
    assert a == b


def test_ask_json_has_the_stable_keys(db: str) -> None:
    losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    done = losen("ask", "--json", "Hei, jeg bor i Tromso", db=db)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert {"intent", "need", "needs", "place", "offers", "reply", "crisis", "language"} <= set(answer)
    assert answer["place"]["kommunenummer"] == "5501"
    assert isinstance(answer["offers"], list) and isinstance(answer["reply"], str)


def test_ask_jsonl_answers_every_line_in_order(db: str) -> None:
    questions = ["Tromsø", "hei", "Guovdageaidnu", "0653", "", "Bærum"]
    done = losen("ask", "--jsonl", db=db, stdin="\n".join(questions) + "\n")
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(questions)
    places = [a["place"]["kommunenummer"] if a["place"] else None for a in answers]
    assert places == ["5501", None, "5612", "0301", None, "3201"]


def test_ask_accepts_now_and_rejects_a_bad_one_kindly(db: str) -> None:
    ok = losen("ask", "--json", "--now", "2026-12-24T12:00", "Oslo", db=db)
    assert ok.returncode == 0
    bad = losen("ask", "--json", "--now", "i morgen", "Oslo", db=db)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_chat_loads_the_demo_catalogue_into_an_empty_database(db: str) -> None:
    done = losen("chat", db=db, stdin="Tromsø\nslutt\n")
    assert done.returncode == 0, done.stderr
    assert "Hei, jeg er Losen" in done.stdout
    exported = losen("catalogue", "export", "--format", "csv", "-", db=db)
    assert len(exported.stdout.splitlines()) > 80
    assert "example.org" in exported.stdout


def test_chat_leaves_a_filled_catalogue_alone(db: str) -> None:
    losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    losen("chat", db=db, stdin="slutt\n")
    exported = losen("catalogue", "export", "--format", "csv", "-", db=db)
    assert len(exported.stdout.splitlines()) == 5


def test_run_without_a_token_says_what_to_set(db: str) -> None:
    done = losen("run", db=db)
    assert done.returncode != 0
    assert "LOSEN_TELEGRAM_TOKEN" in done.stderr and "losen chat" in done.stderr


def test_ask_explain_prints_the_score_parts(db: str) -> None:
    losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    done = losen("ask", "--json", "--explain", "--now", "2026-11-24T13:00",
                 "trenger mat på Tøyen", db=db)
    answer = json.loads(done.stdout)
    assert answer["offers"][0]["id"] == "t-oslo-mat"
    assert answer["offers"][0]["open"] == "open"
    assert "need" in answer["offers"][0]["explain"] and "place" in answer["offers"][0]["explain"]


def test_now_changes_what_is_open(db: str) -> None:
    losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    tuesday = json.loads(losen("ask", "--json", "--now", "2026-11-24T13:00", "mat i Oslo",
                               db=db).stdout)
    wednesday = json.loads(losen("ask", "--json", "--now", "2026-11-25T13:00", "mat i Oslo",
                                 db=db).stdout)
    assert tuesday["offers"][0]["open"] == "open"
    assert wednesday["offers"][0]["open"] == "next"


def test_stats_unmet_counts_needs_without_user_data(db: str) -> None:
    losen("catalogue", "import", str(DATA / "small.csv"), db=db)
    losen("ask", "--jsonl", "--now", "2026-11-24T13:00", db=db,
          stdin="trenger gjeldsrådgivning i Alta\ngjeldshjelp Alta\n")
    out = losen("stats", "unmet", db=db).stdout
    assert "2026-W48\t5601 Alta\tmoney\t2" in out
    assert "gjeld" not in out.lower().replace("money", "")
