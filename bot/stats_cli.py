"""``losen stats unmet``: needs that found no offer, per ISO week and kommune, no user data."""

from __future__ import annotations

from losen.catalogue.places import register
from losen.catalogue.stats import UnmetNeeds
from losen.locales import gettext

from .context import cli_language, open_app


def run_stats(database: str | None) -> int:
    lang = cli_language()
    app = open_app(database)
    rows = UnmetNeeds(app.sessions).report()
    if not rows:
        print(gettext(lang, "No unmet needs recorded."))
        return 0
    places = register()
    print(gettext(lang, "week\tkommune\tneed\tcount"))
    for week, nr, need, count in rows:
        kommune = places.kommune(nr)
        name = f"{nr} {kommune.name_no}" if kommune else "-"
        print(f"{week}\t{name}\t{need}\t{count}")
    return 0
