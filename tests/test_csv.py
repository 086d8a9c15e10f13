"""The spreadsheet format: strict, complete error reports, canonical output."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import DATA, TODAY
from losen.catalogue.csvio import HEADER, read_csv, write_csv
from losen.catalogue.errors import ImportRefused


def test_reads_every_field(small_csv: str) -> None:
    offers = {o.id: o for o in read_csv(small_csv, TODAY)}
    mat = offers["t-oslo-mat"]
    assert mat.needs == ("food", "social")
    assert mat.kommunenummer == "0301" and mat.scope == "local"
    assert mat.poststed == "Oslo"  # normalised to the register's spelling
    assert mat.phone == "+4722999901"
    assert mat.labels == {"free": True, "drop_in": True, "anonymous": True}
    assert mat.languages == ("nb", "en", "ar")
    assert len(mat.schedule) == 2
    sprak = offers["t-tromso-sprak"]
    assert sprak.labels == {"free": True, "anonymous": False}  # drop_in unknown, not "no"
    assert sprak.website == "https://example.org/sprak"
    national = offers["t-national-linje"]
    assert national.kommunenummer is None and national.scope == "national"
    assert offers["t-kautokeino"].schedule[0].text == "etter avtale"


def test_written_csv_has_the_exact_header_and_reads_back_the_same(small_csv: str) -> None:
    offers = read_csv(small_csv, TODAY)
    text = write_csv(offers)
    assert text.splitlines()[0] == ",".join(HEADER)
    again = read_csv(text, TODAY)
    assert sorted(again, key=lambda o: o.id) == sorted(offers, key=lambda o: o.id)
    assert write_csv(again) == text


def test_a_bad_file_reports_every_problem_with_line_and_column() -> None:
    with pytest.raises(ImportRefused) as refused:
        read_csv((DATA / "bad.csv").read_text("utf-8"), TODAY)
    found = {(p.line, p.column) for p in refused.value.problems}
    assert found == {
        (3, "needs"), (4, "kommunenummer"), (5, "postnummer"), (6, "phone"), (6, "free"),
        (6, "last_verified"), (7, "schedule"), (8, "id"),
    }
    lines = refused.value.render("nb")
    assert lines[0].startswith("Linje 3, kolonne needs: Ukjent behov «fodo»")
    assert any("står også i rad 2" in line for line in lines)


def test_errors_read_in_nynorsk_and_english_too() -> None:
    with pytest.raises(ImportRefused) as refused:
        read_csv((DATA / "bad.csv").read_text("utf-8"), TODAY)
    assert "ikkje" in refused.value.render("nn")[2]
    assert refused.value.render("en")[2].startswith("Line 5, column postnummer:")


def test_multiline_quoted_fields_keep_the_right_line_numbers(small_csv: str) -> None:
    header, *rows = small_csv.splitlines()
    first = rows[0].replace('"Gratis matposer, ingen spørsmål."', '"Gratis matposer.\nIngen spørsmål."')
    broken = rows[1].replace(",5501,", ",5599,")
    with pytest.raises(ImportRefused) as refused:
        read_csv("\n".join([header, first, broken]), TODAY)
    assert [(p.line, p.column) for p in refused.value.problems] == [(4, "kommunenummer")]


def test_header_must_match_exactly(small_csv: str) -> None:
    text = small_csv.replace("drop_in", "dropin", 1)
    with pytest.raises(ImportRefused) as refused:
        read_csv(text, TODAY)
    message = refused.value.render("nb")[0]
    assert "Mangler: drop_in" in message and "Ukjent: dropin" in message


def test_spreadsheet_quirks_are_accepted(small_csv: str) -> None:
    # Excel adds a byte-order mark and drops the leading zero of 0301.
    text = "\ufeff" + small_csv.replace(",0301,", ",301,")
    offers = {o.id: o for o in read_csv(text, TODAY)}
    assert offers["t-oslo-mat"].kommunenummer == "0301"


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("scope", "lokal", "scope må være"),
        ("kommunenummer", "", "må ha kommunenummer"),
        ("poststed", "Bergen", "Postnummer 0653 er Oslo"),
        ("latitude", "12.5", "utenfor Norge"),
        ("email", "ikke-en-adresse", "e-postadresse"),
        ("last_verified", "2030-01-01", "fram i tid"),
        ("needs", "", "minst ett behov"),
    ],
)
def test_each_rule_refuses_the_file(small_csv: str, column: str, value: str, fragment: str) -> None:
    offers = read_csv(small_csv, TODAY)
    from losen.catalogue.csvio import offer_to_row

    rows = [dict(zip(HEADER, offer_to_row(o), strict=True)) for o in offers]
    target = next(r for r in rows if r["id"] == "t-oslo-mat")
    target[column] = value
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    with pytest.raises(ImportRefused) as refused:
        read_csv(buf.getvalue(), TODAY)
    assert any(fragment in line for line in refused.value.render("nb")), refused.value.render("nb")


def test_a_national_offer_with_a_kommunenummer_is_refused(small_csv: str) -> None:
    text = small_csv.replace(",,national,", ",0301,national,")
    with pytest.raises(ImportRefused):
        read_csv(text, TODAY)


def test_unknown_labels_stay_unknown_through_the_writer(small_csv: str) -> None:
    offers = read_csv(small_csv, TODAY)
    stripped = [replace(o, labels={}) for o in offers]
    import csv
    import io

    row = list(csv.reader(io.StringIO(write_csv(stripped))))[1]
    assert row[HEADER.index("free")] == "" and row[HEADER.index("anonymous")] == ""
