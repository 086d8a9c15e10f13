"""``losen catalogue import|export``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from losen.catalogue.errors import ImportRefused
from losen.catalogue.transfer import export_text, import_offers, parse_file
from losen.locales import gettext, ngettext

from .context import cli_language, open_app


def run_catalogue(args: argparse.Namespace) -> int:
    lang = cli_language()
    if args.catalogue_command == "import":
        path = Path(args.file)
        if not path.is_file():
            print(gettext(lang, "Cannot find the file {path}.", path=str(path)), file=sys.stderr)
            return 2
        try:
            offers = parse_file(path)
        except ImportRefused as refused:
            print(ngettext(lang, "The file was not imported: {n} problem. Nothing was changed.",
                           "The file was not imported: {n} problems. Nothing was changed.",
                           len(refused.problems)), file=sys.stderr)
            for line in refused.render(lang):
                print("  " + line, file=sys.stderr)
            return 1
        app = open_app(args.database)
        summary = import_offers(app.sessions, offers)
        print(gettext(lang, "Imported {total} offers: {added} new, {updated} updated.",
                      total=str(len(offers)), added=str(summary.added),
                      updated=str(summary.updated)))
        return 0
    app = open_app(args.database)
    text = export_text(app.sessions, args.format)
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
        print(gettext(lang, "Wrote the catalogue to {path}.", path=args.file))
    return 0
