"""The ``losen`` command line: chat, ask, run, catalogue import/export, and admin.

Every command reports problems in plain Norwegian and exits non-zero; no traceback reaches
the person at the terminal.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from losen.catalogue.db import DATABASE_ERRORS, fault_of
from losen.locales import gettext

from .context import cli_language

log = logging.getLogger("losen")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="losen",
        description="Losen: finn frivillige tilbud og hjelp i nærheten. Uten kommando startes "
                    "Telegram-boten når LOSEN_TELEGRAM_TOKEN er satt, ellers samtalen i terminalen.",
    )
    parser.add_argument("--database", help="database-URL (ellers LOSEN_DATABASE_URL)")
    sub = parser.add_subparsers(dest="command")

    chat = sub.add_parser("chat", help="snakk med Losen i terminalen")
    chat.add_argument("--now", help="tidspunkt (ISO 8601, Oslo-tid uten sone)")

    ask = sub.add_parser("ask", help="ett spørsmål inn, ett svar ut (for maskiner)")
    ask.add_argument("text", nargs="*", help="spørsmålet")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="svar som ett JSON-objekt")
    mode.add_argument("--jsonl", action="store_true",
                      help="ett spørsmål per linje på stdin, ett JSON-objekt per linje ut")
    ask.add_argument("--now", help="tidspunkt (ISO 8601, Oslo-tid uten sone)")
    ask.add_argument("--explain", action="store_true", help="vis poengene bak rekkefølgen")

    sub.add_parser("run", help="start Telegram-boten (krever LOSEN_TELEGRAM_TOKEN)")

    stats = sub.add_parser("stats", help="anonym statistikk for dem som planlegger tilbud")
    stats.add_argument("report", choices=("unmet",), help="unmet: behov uten tilbud, per uke")

    cat = sub.add_parser("catalogue", help="importer eller eksporter katalogen")
    cat_sub = cat.add_subparsers(dest="catalogue_command", required=True)
    imp = cat_sub.add_parser("import", help="importer CSV eller HSDS-JSON (alt eller ingenting)")
    imp.add_argument("file")
    exp = cat_sub.add_parser("export", help="eksporter katalogen")
    exp.add_argument("--format", choices=("csv", "hsds"), default="csv")
    exp.add_argument("file", help="filnavn, eller - for standard ut")

    adm = sub.add_parser("admin", help="organisasjoner, frivillige, invitasjoner og endringslogg")
    adm_sub = adm.add_subparsers(dest="admin_command", required=True)
    inv = adm_sub.add_parser("invite", help="lag en engangsinvitasjon (lenke til boten)")
    inv.add_argument("organisation", nargs="?", metavar="ORGANISASJON",
                     help="organisasjonens navn (store eller små bokstaver) eller id")
    inv.add_argument("--role", choices=("editor", "admin"),
                     help="editor redigerer tilbudene, admin kan også invitere (standard editor)")
    inv.add_argument("--days", type=int, default=7, help="hvor mange dager den gjelder (standard 7)")
    inv.add_argument("--site-admin", action="store_true",
                     help="inviter en administrator for hele Losen i stedet")
    inv.add_argument("--bot", metavar="BRUKERNAVN",
                     help="botens brukernavn i Telegram (ellers LOSEN_TELEGRAM_BOT_USERNAME)")
    adm_sub.add_parser("orgs", help="organisasjonene, med antall tilbud og medlemmer")
    ppl = adm_sub.add_parser("people", help="medlemmene i en organisasjon")
    ppl.add_argument("organisation", nargs="?", metavar="ORGANISASJON")
    ppl.add_argument("--site-admins", action="store_true", help="vis administratorene for hele Losen")
    rev = adm_sub.add_parser("revoke", help="trekk tilbake en ubrukt invitasjon, eller fjern et medlem")
    rev.add_argument("target", metavar="inv_…|ORGANISASJON",
                     help="koden fra invitasjonen, eller organisasjonen medlemmet skal fjernes fra")
    rev.add_argument("account", nargs="?", metavar="KONTO",
                     help="medlemmets konto: telegram:12345 eller bare 12345")
    rev.add_argument("--site-admin", action="store_true",
                     help="fjern en administrator for hele Losen (oppgi bare KONTO)")
    aud = adm_sub.add_parser("audit", help="endringsloggen: hvem endret hva, og når")
    aud.add_argument("--org", metavar="ORGANISASJON", help="bare denne organisasjonen")
    aud.add_argument("--offer", metavar="ID", help="bare dette tilbudet")
    aud.add_argument("--limit", type=int, default=50, help="de nyeste N hendelsene (standard 50)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("LOSEN_LOG_LEVEL", "WARNING"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    lang = cli_language()
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except DATABASE_ERRORS as exc:
        # Every command's writes are one transaction, rolled back whole on an error.
        log.error("database error: %s", type(exc).__name__, exc_info=log.isEnabledFor(10))
        print(database_problem(exc, lang), file=sys.stderr)
        return 1
    except Exception as exc:  # the last line of defence: a message, never a traceback
        log.error("unexpected error: %s", type(exc).__name__, exc_info=log.isEnabledFor(10))
        print(gettext(lang, "Something went wrong in Losen ({error}). Nothing was changed. "
                            "Try again, or run with LOSEN_LOG_LEVEL=DEBUG for details.",
                      error=type(exc).__name__), file=sys.stderr)
        return 1


def database_problem(error: BaseException, lang: str) -> str:
    """What a person at the terminal can do about a database error."""
    fault = fault_of(error)
    if fault == "full":
        return gettext(lang, "The database is full: there is no room left on its disk. Nothing "
                             "was changed. Make room and try again.")
    if fault == "read_only":
        return gettext(lang, "The database can only be read, not written. Nothing was changed. "
                             "Check that Losen may write to it (the file's permissions, or the "
                             "server's settings).")
    if fault == "unreachable":
        return gettext(lang, "Cannot reach the database. Nothing was changed. Check that it is "
                             "running and that LOSEN_DATABASE_URL (or --database) is right, "
                             "then try again.")
    return gettext(lang, "Something went wrong in Losen ({error}). Nothing was changed. "
                         "Try again, or run with LOSEN_LOG_LEVEL=DEBUG for details.",
                   error=type(error).__name__)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command is None:
        command = "run" if os.environ.get("LOSEN_TELEGRAM_TOKEN") else "chat"
        args.now = None
    if command == "chat":
        from .console import run_chat

        return run_chat(args.database, args.now)
    if command == "ask":
        from .ask import run_ask

        return run_ask(args)
    if command == "stats":
        from .stats_cli import run_stats

        return run_stats(args.database)
    if command == "run":
        from .telegram_cli import run_telegram

        return run_telegram(args.database)
    if command == "admin":
        from .admin_cli import run_admin

        return run_admin(args)
    from .catalogue_cli import run_catalogue

    return run_catalogue(args)


if __name__ == "__main__":
    sys.exit(main())
