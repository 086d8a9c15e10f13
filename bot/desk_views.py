"""What the volunteers' desk shows: lists, offer cards, questions, and the words for refusals.

Every view reads what it shows in the caller's transaction and mints its buttons there, so a
view always matches the data it was made from. The words come from the gettext catalogues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from babel.dates import format_date
from losen.catalogue import people
from losen.catalogue.csvio import format_phone
from losen.catalogue.errors import ImportRefused
from losen.catalogue.models import Organization
from losen.catalogue.reports import open_reports
from losen.catalogue.schedule import ScheduleItem
from losen.catalogue.store import load_offers_by_ids, offer_ids_of
from losen.catalogue.taxonomy import labels as label_terms
from losen.catalogue.taxonomy import needs as need_terms
from losen.locales import N_
from losen.locales import gettext as _
from sqlalchemy import select

from .actions import Action

if TYPE_CHECKING:
    from .desk import Turn

LIST_LIMIT = 30
"""Offers listed as buttons; an organisation with more keeps them in the spreadsheet."""
STALE_DAYS = 90
SHOWN = ("address", "schedule", "phone")
"""Fields that have a line of their own on the offer card."""
DAY_HELP = N_("Write the day it opens again, for example 2.1.2027 or 2. januar.")
_MONTHS = {name: i + 1 for i, names in enumerate((
    ("jan", "januar", "january"), ("feb", "februar", "february"), ("mar", "mars", "march"),
    ("apr", "april"), ("mai", "may"), ("jun", "juni", "june"), ("jul", "juli", "july"),
    ("aug", "august"), ("sep", "sept", "september"), ("okt", "oktober", "oct", "october"),
    ("nov", "november"), ("des", "desember", "dec", "december"))) for name in names}


@dataclass(frozen=True)
class Reply:
    text: str
    actions: tuple[Action, ...] = ()


# ---------------------------------------------------------------------- who you are
def refusal(t: Turn) -> Reply:
    return t.reply(_(t.lang, "This part of Losen is for volunteers who keep their "
                             "organisation's offers up to date, and it seems you cannot change "
                             "this. If you volunteer for an organisation, ask its administrator "
                             "or Losen's team for an invite link. If you are looking for help, "
                             "just write what you need and where you live."))


def invite_problem(problem: str, lang: str) -> str:
    texts = {
        "used": _(lang, "This invite has already been used. Ask for a new one."),
        "expired": _(lang, "This invite has expired. Ask for a new one."),
        "revoked": _(lang, "This invite has been withdrawn. Ask for a new one."),
    }
    return texts.get(problem, _(lang, "I do not recognise this invite. Check that the whole "
                                      "link was copied, or ask for a new one."))


def welcome(t: Turn, org_id: str | None, role: str) -> Reply:
    if org_id is None:
        note = _(t.lang, "Welcome! You are now a site admin of Losen.")
        return home(t, note)
    org = t.session.get(Organization, org_id)
    name = org.name if org else org_id
    note = (_(t.lang, "Welcome! You are now an administrator for {org}.", org=name)
            if role == "admin" else
            _(t.lang, "Welcome! You now keep the offers of {org} up to date.", org=name))
    return organisation(t, org_id, note, welcome=True)


def problems(t: Turn, refused: ImportRefused) -> Reply:
    lines = [_(t.lang, "That did not work, and nothing was changed:")]
    lines += ["• " + (p.render(t.lang) if p.line is not None and p.line > 1
                      else _(t.lang, p.message, **p.params)) for p in refused.problems[:20]]
    if len(refused.problems) > 20:
        lines.append(_(t.lang, "… and {count} more.", count=str(len(refused.problems) - 20)))
    lines.append(_(t.lang, "Try again, or write /avbryt to stop."))
    t.button(_(t.lang, "Cancel"), "cancel", 0)
    return t.reply("\n".join(lines))


# ---------------------------------------------------------------------- lists
def home(t: Turn, note: str | None = None) -> Reply:
    roles = people.roles_of(t.session, t.account)
    if not roles.any:
        return refusal(t)
    if roles.site_admin:
        orgs = list(t.session.execute(select(Organization.id, Organization.name)
                                      .order_by(Organization.name)).all())
    else:
        orgs = list(t.session.execute(select(Organization.id, Organization.name)
                                      .where(Organization.id.in_(list(roles.orgs)))
                                      .order_by(Organization.name)).all())
    if len(orgs) == 1:
        return organisation(t, orgs[0][0], note, roles=roles)
    for i, (org_id, name) in enumerate(orgs[:LIST_LIMIT]):
        t.button(name, "org", i, arg=org_id)
    text = _(t.lang, "Which organisation?")
    return t.reply(f"{note}\n{text}" if note else text)


def organisation(t: Turn, org_id: str, note: str | None = None, welcome: bool = False,
                 roles: people.Roles | None = None) -> Reply:
    roles = roles or people.roles_of(t.session, t.account)
    org = t.session.get(Organization, org_id)
    if org is None or not people.allowed(roles, "view", org_id):
        return refusal(t)
    ids = offer_ids_of(t.session, org_id)
    offers = load_offers_by_ids(t.session, ids[:LIST_LIMIT])
    reports = open_reports(t.session, [o.id for o in offers])
    offers.sort(key=lambda o: (o.name.casefold(), o.id))
    lines = [note] if note else []
    if welcome:
        lines.append(_(t.lang, "Choose an offer to check or change it. /mine brings you back "
                               "here."))
    else:
        lines.append(_(t.lang, "{org}: {count} offers. Choose one to check or change it.",
                       org=org.name, count=str(len(ids))))
    marked = False
    for row, o in enumerate(offers):
        marks = ""
        if o.paused(t.today):
            marks += "⏸ "
        if reports.get(o.id):
            marks += "⚠️ "
        if o.last_verified is None or (t.today - o.last_verified).days >= STALE_DAYS:
            marks += "🕓 "
        marked = marked or bool(marks)
        t.button(marks + o.name, "open", row, offer_id=o.id)
    if len(ids) > LIST_LIMIT:
        lines.append(_(t.lang, "Only the first {count} are listed; send the spreadsheet to "
                               "change the rest.", count=str(LIST_LIMIT)))
    if marked:
        lines.append(_(t.lang, "⚠️ someone reported an error · 🕓 not confirmed for 90 days · "
                               "⏸ paused"))
    row = len(offers)
    t.button("➕ " + _(t.lang, "New offer"), "new", row, arg=org_id)
    if people.allowed(roles, "invite", org_id):
        t.button(_(t.lang, "Invite an editor"), "invite", row + 1, arg=org_id)
        t.button(_(t.lang, "Editors"), "members", row + 1, arg=org_id)
        lines.append(_(t.lang, "To change many offers at once, send the spreadsheet (CSV, "
                               "the same columns as the export) here as a file."))
    return t.reply("\n".join(lines))


def members(t: Turn, org_id: str, note: str | None = None) -> Reply:
    roles = people.require(t.session, t.account, "remove_member", org_id)
    lines = [note] if note else []
    lines.append(_(t.lang, "Who keeps these offers:"))
    row = 0
    for m in people.members(t.session, org_id):
        role = _(t.lang, "administrator") if m.role == "admin" else _(t.lang, "editor")
        since = format_date(m.added_at.date(), "d. MMM y", locale=t.lang)
        lines.append(f"• {m.name or m.account} ({role}, {since})")
        if m.account != t.account and (m.role == "editor" or roles.site_admin):
            t.button(_(t.lang, "Remove {name}", name=(m.name or m.account)[:30]), "remove",
                     row, offer_id=m.account, arg=org_id)
            row += 1
    t.button(_(t.lang, "Back"), "org", row, arg=org_id)
    return t.reply("\n".join(lines))


def invite_made(t: Turn, org_id: str, link: str) -> Reply:
    t.button(_(t.lang, "Back"), "org", 0, arg=org_id)
    return t.reply(_(t.lang, "Send this link to the new editor. It works once, for one "
                             "person, for 7 days:\n{link}", link=link))


# ---------------------------------------------------------------------- one offer
def offer_card(t: Turn, offer_id: str, note: str | None = None, only: str | None = None,
               brief: bool = False) -> Reply:
    """The offer as the volunteer keeps it, with what can be done to it. After a change, the
    note and the changed line (``only``) or the name alone (``brief``) are enough: the rest was
    read a moment ago."""
    found = load_offers_by_ids(t.session, [offer_id])
    if not found:
        return home(t)
    o = found[0]
    lang = t.lang
    where = ", ".join(p for p in (o.address, " ".join(x for x in (o.postnummer, o.poststed) if x))
                      if p)
    details = {
        "address": _(lang, "Address: {value}", value=where or "–"),
        "schedule": _(lang, "Opening hours: {value}", value=schedule_text(o.schedule) or "–"),
        "phone": _(lang, "Phone: {phone}", phone=format_phone(o.phone) or "–"),
    }
    lines = [note] if note else []
    lines.append(f"{o.name} – {o.organisation}")
    if only is not None:
        lines.append(details.get(only, ""))
    elif not brief:
        lines.extend(details.values())
        lines.append(_(lang, "Last confirmed: {day}", day=day_text(o.last_verified, lang))
                     if o.last_verified else _(lang, "Never confirmed."))
        if o.paused(t.today) and o.reopens is not None:
            lines.append("⏸ " + _(lang, "Paused: hidden until {day}.",
                                 day=day_text(o.reopens, lang)))
        reports = open_reports(t.session, [o.id]).get(o.id, {})
        if reports:
            lines.append("⚠️ " + _(lang, "Reported since last confirmed: {what}",
                                  what=report_text(reports, lang)))
    t.button("✅ " + _(lang, "All correct"), "confirm", 0, offer_id=o.id)
    if only is not None or brief:
        t.button(_(lang, "Change more"), "open", 1, offer_id=o.id)
        t.button(_(lang, "Back to the list"), "home", 1)
        return t.reply("\n".join(line for line in lines if line))
    t.button(_(lang, "Opening hours"), "field", 1, offer_id=o.id, arg="schedule")
    t.button(_(lang, "Phone"), "field", 1, offer_id=o.id, arg="phone")
    t.button(_(lang, "Address"), "field", 2, offer_id=o.id, arg="address")
    t.button(_(lang, "Description"), "field", 2, offer_id=o.id, arg="description")
    t.button(_(lang, "Name"), "field", 3, offer_id=o.id, arg="name")
    t.button(_(lang, "Labels"), "labels", 3, offer_id=o.id)
    if o.paused(t.today):
        t.button("▶️ " + _(lang, "Open again"), "resume", 4, offer_id=o.id)
    else:
        t.button("⏸ " + _(lang, "Pause (closed for a while)"), "pause", 4, offer_id=o.id)
    t.button(_(lang, "Back to the list"), "home", 5)
    return t.reply("\n".join(line for line in lines if line))


def schedule_text(items: tuple[ScheduleItem, ...]) -> str:
    return "; ".join(item.to_text() for item in items)


def labels(t: Turn, offer_id: str) -> Reply:
    o = load_offers_by_ids(t.session, [offer_id])[0]
    terms = label_terms().terms
    for row, code in enumerate(("free", "drop_in", "anonymous")):
        state = {True: "✓", False: "✗", None: "?"}[o.label(code)]
        target = "nei" if o.label(code) else "ja"
        t.button(f"{terms[code].label(t.lang)}: {state}", "label", row, offer_id=o.id,
                 arg=f"{code}={target}")
    t.button(_(t.lang, "Done"), "open", 3, offer_id=o.id)
    return t.reply(_(t.lang, "Tap a label to switch it between yes (✓) and no (✗)."))


PROMPTS = {
    "field:schedule": N_("Write the new opening hours, for example “mandag-fredag 10-14; "
                         "lørdag 12-15”, or a note such as “etter avtale”."),
    "field:phone": N_("Write the new phone number, or “ingen” for none."),
    "field:address": N_("Write the new address with postal code, for example “Storgata 1, "
                        "0182 Oslo”, or “ingen” for an offer without a place."),
    "field:description": N_("Write the new description: what happens, for whom, and what to "
                            "bring. At most 2,000 characters."),
    "field:name": N_("Write the new name of the offer."),
    "pause": DAY_HELP,
    "new:name": N_("A new offer. What is it called? For example “Middag på torsdager”."),
    "new:needs": N_("What does it help with most? Choose one."),
    "new:address": N_("Where is it? Write the address with postal code, for example "
                      "“Storgata 1, 0182 Oslo”."),
    "new:phone": N_("Which phone number can people call? Write “ingen” if none."),
    "new:schedule": N_("When is it open? For example “mandag-fredag 10-14; lørdag 12-15”, or "
                       "“ingen” if it has no fixed hours."),
}


def prompt(t: Turn, step: str, offer_id: str | None) -> Reply:
    """The question of a step; a description is long, so it is shown here, where it is about
    to change, rather than on every card."""
    current = ""
    if step == "field:description" and offer_id is not None:
        found = load_offers_by_ids(t.session, [offer_id])
        if found and found[0].description:
            current = "\n" + _(t.lang, "Now: {value}", value=found[0].description)
    if step == "new:needs":
        for i, (code, term) in enumerate(need_terms().terms.items()):
            t.button(term.label(t.lang), "need", i // 2, arg=code)
    t.button(_(t.lang, "Cancel"), "cancel", 9)
    return t.reply(_(t.lang, PROMPTS[step]) + current)


def new_summary(t: Turn, draft: dict[str, object]) -> Reply:
    need = str(draft.get("needs", ""))
    lines = [_(t.lang, "Save this new offer?"), f"• {draft.get('name', '')}",
             "• " + (need_terms().terms[need].label(t.lang) if need in need_terms().terms
                     else need),
             "• " + f"{draft.get('address', '')}, {draft.get('postnummer', '')}",
             "• " + (format_phone(str(draft.get("phone") or "")) or "–"),
             "• " + (str(draft.get("schedule") or "") or "–")]
    t.button("✅ " + _(t.lang, "Save"), "save_new", 0, arg=str(draft.get("nonce", "")))
    t.button(_(t.lang, "Cancel"), "cancel", 0)
    return t.reply("\n".join(lines))


# ---------------------------------------------------------------------- words
def report_text(reports: dict[str, int], lang: str) -> str:
    words = {"phone": _(lang, "phone number"), "hours": _(lang, "opening hours"),
             "place": _(lang, "address or place"), "closed": _(lang, "no longer exists"),
             "other": _(lang, "something else")}
    return ", ".join(f"{words.get(k, k)}: {n}" for k, n in sorted(reports.items()))


def day_text(day: date, lang: str) -> str:
    return format_date(day, "d. MMMM y" if lang != "en" else "d MMMM y", locale=lang)


def parse_day(text: str, today: date) -> date | None:
    """A day as volunteers write it: 2.1, 2.1.2027, 02.01.27, 2027-01-02, 2. januar."""
    text = text.strip().lower().rstrip(".")
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    numeric = re.fullmatch(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?", text)
    named = re.fullmatch(r"(\d{1,2})\.?\s*([a-zæøå]+)\.?(?:\s+(\d{4}))?", text)
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[2]), numeric[3]
    elif named and named[2] in _MONTHS:
        day, month, year = int(named[1]), _MONTHS[named[2]], named[3]
    else:
        return None
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        found = date(today.year, month, day)
        return found if found > today else date(today.year + 1, month, day)
    except ValueError:
        return None
