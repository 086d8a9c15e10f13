"""Replies as text: the words people read, all from the gettext catalogues (nb, nn, en).

Telegram renders the same :class:`~losen.bot.reply.Reply` with HTML and buttons; the terminal
and ``losen ask`` use :func:`render_text`.
"""

from __future__ import annotations

from typing import Any

from babel.dates import format_date, format_time
from losen.catalogue.csvio import format_phone
from losen.catalogue.matching import Match
from losen.catalogue.opening import Opening
from losen.catalogue.places import register
from losen.catalogue.taxonomy import labels, needs
from losen.locales import gettext as _

from .reply import Reply

LABEL_ORDER = ("free", "drop_in", "anonymous", "no_referral", "no_nav")


def need_label(code: str | None, lang: str) -> str:
    if code is None:
        return ""
    return needs().terms[code].label(lang).lower()


def when_text(o: Opening, lang: str) -> str:
    if o.state == "open" and o.at is not None:
        text = _(lang, "Open now, until {time}", time=format_time(o.at, "HH:mm", locale=lang))
    elif o.state == "later_today" and o.at is not None:
        text = _(lang, "Opens today at {time}", time=format_time(o.at, "HH:mm", locale=lang))
    elif o.state == "next" and o.at is not None:
        text = _(lang, "Next opening: {day} {time}",
                 day=format_date(o.at, "EEEE d. MMMM" if lang != "en" else "EEEE d MMMM",
                                 locale=lang),
                 time=format_time(o.at, "HH:mm", locale=lang))
    elif o.note:
        return _(lang, "Hours: {note}", note=o.note)
    else:
        return _(lang, "Opening hours unknown")
    if o.note:
        text += " · " + o.note
    return text


def where_text(m: Match, lang: str) -> str:
    o = m.offer
    if o.scope == "national":
        return _(lang, "Nationwide, by phone or online")
    parts = [p for p in (o.address, " ".join(x for x in (o.postnummer, o.poststed) if x)) if p]
    bydel = register().bydel_for_postal_code(o.postnummer) if o.postnummer else None
    if bydel is not None:
        parts.append(bydel.name)
    if m.area == "nearby" and m.distance_km is not None:
        parts.append(_(lang, "about {km} km away", km=str(round(m.distance_km))))
    return ", ".join(parts) or (o.poststed or "")


def label_texts(m: Match, lang: str) -> list[str]:
    terms = labels().terms
    return [terms[c].label(lang) for c in LABEL_ORDER if m.offer.label(c) is True]


def offer_block(m: Match, lang: str) -> list[str]:
    o = m.offer
    lines = [f"• {o.name} – {o.organisation}", f"  {where_text(m, lang)}",
             f"  {when_text(m.opening, lang)}"]
    if o.phone:
        lines.append("  " + _(lang, "Phone: {phone}", phone=format_phone(o.phone)))
    if o.website:
        lines.append(f"  {o.website}")
    tags = label_texts(m, lang)
    if tags:
        lines.append("  " + " · ".join(tags))
    if m.stale and o.last_verified is not None:
        lines.append("  " + _(lang, "Last confirmed {date}",
                              date=format_date(o.last_verified, "d. MMMM y" if lang != "en"
                                               else "d MMMM y", locale=lang)))
    if m.caution:
        lines.append("  ⚠️ " + _(lang, "Some people said something here may be out of date. "
                                       "Call before you go, if you can."))
    return lines


def _place_name(reply: Reply) -> str:
    if reply.place is None:
        return ""
    return reply.place.name


def render_text(reply: Reply) -> str:
    lang = reply.lang
    kind = reply.kind
    out: list[str] = []
    if kind == "crisis":
        out.append(_crisis_opening(reply))
        out.extend(f"• {line.name(lang)}: {line.number} ({line.hours_in(lang)})"
                   for line in reply.lines)
        out.append(_(lang, "I am an automatic service and cannot call anyone for you, but "
                           "the people on these lines can talk with you now."))
        out.append(_(lang, "Are you safe right now?"))
        return "\n".join(out)
    if kind == "offers":
        if not reply.continued:
            out.append(_(lang, "This is what I found for {need} near {place}:",
                         need=need_label(reply.need, lang), place=_place_name(reply)))
        for m in reply.matches:
            out.extend(offer_block(m, lang))
        if reply.more_available:
            out.append(_(lang, "Write “vis flere” to see more."))
        return "\n".join(out)
    if kind == "call" and reply.offer is not None:
        o = reply.offer
        if not o.phone:
            return _(lang, "{name} has no phone number in my list.", name=o.name)
        return _(lang, "{name} – {organisation}: tap the number to call {phone}",
                 name=o.name, organisation=o.organisation, phone=format_phone(o.phone))
    if kind == "report_what" and reply.offer is not None:
        return _(lang, "What is not right about {name}? Tap what you noticed.",
                 name=reply.offer.name)
    if kind == "no_more":
        return _(lang, "That is all I have for now. Tell me if you need something else.")
    if kind == "nothing":
        out.append(_(lang, "I am sorry, I found nothing for {need} in {place} right now.",
                     need=need_label(reply.need, lang), place=_place_name(reply)))
        if reply.alternatives:
            out.append(_(lang, "The nearest I know of:"))
            for m in reply.alternatives:
                out.extend(offer_block(m, lang))
        else:
            out.append(_(lang, "You can also call the local volunteer centre (Frivilligsentralen) "
                               "or your kommune's service office; they often know of more."))
        return "\n".join(out)
    if kind == "ask_place":
        return _(lang, "Where do you live, or what is your postal code?")
    if kind == "ask_need":
        if reply.place is not None:
            return _(lang, "What kind of help are you looking for in {place}? For example food, "
                           "someone to talk to, debt advice or homework help.",
                     place=_place_name(reply))
        return _(lang, "What kind of help are you looking for, and where do you live? For "
                       "example food, someone to talk to, debt advice or homework help.")
    if kind == "nav":
        out.append(_(lang, "Losen is not NAV, and NAV sees nothing of this chat. If you want to "
                           "reach NAV, call {phone} or go to nav.no.", phone="55 55 33 33"))
        out.append(_(lang, "Worried about money? The Økonomirådstelefonen gives free advice on "
                           "{phone}.", phone="55 55 33 39"))
        if reply.matches:
            out.append(_(lang, "These offers need no contact with NAV:"))
            for m in reply.matches:
                out.extend(offer_block(m, lang))
        return "\n".join(out)
    if kind == "human":
        out.append(_(lang, "I am an automatic service, not a person. Here a person answers:"))
        out.extend(f"• {line.name(lang)}: {line.number} ({line.hours_in(lang)})"
                   for line in reply.lines)
        return "\n".join(out)
    if kind == "database_down":
        # The first sentence is the error handler's apology; the second is for anyone for
        # whom the wait is too long (a crisis, recognised, never gets this reply).
        return " ".join((_(lang, "Something went wrong on my side. Please try again in a "
                                 "little while."),
                         _(lang, "If it is urgent, call 113.")))
    messages = {
        "greeting": _(lang, "Hi! I am Losen. I help you find free help and activities near you: "
                            "food, company, debt advice, homework help and more. What do you "
                            "need, and where do you live?"),
        "help": _(lang, "I am Losen, an automatic service (not NAV). Tell me what you need and "
                        "where you live, and I find free, low-threshold offers from voluntary "
                        "organisations near you, with address, opening hours and phone. Write "
                        "/slett to delete our conversation."),
        "thanks": _(lang, "You are welcome! Write again whenever you need to."),
        "goodbye": _(lang, "Take care! Write again whenever you like."),
        "privacy": _(lang, "I do not store what you write, and nobody (not NAV either) can read "
                           "this chat through me. For 30 minutes I remember only what the next "
                           "answer needs: the kind of help and the place, never your words. For "
                           "48 hours I keep the numbers of our messages (not their content), so "
                           "that /slett can remove them from your phone. When I find nothing for "
                           "a need, I count the need and the kommune per week, without who "
                           "asked. Write /slett to delete it all now."),
        "deleted": _(lang, "Done. I have forgotten this conversation."),
        "reported": _(lang, "Thank you! I pass it on to the people who keep this offer up to "
                            "date. Nothing about you is passed on."),
        "expired": _(lang, "That button no longer works. Write what you need and where you "
                           "live, and I will look again."),
        "outside": _(lang, "That place does not seem to be in Norway. I only know of offers in "
                           "Norway: write the name of your kommune or your postal code."),
        "place_forgotten": _(lang, "I have forgotten your place. Write a new place or postal "
                                   "code, or share your location."),
        "volunteer": _(lang, "How good that you want to help! Contact your local volunteer "
                             "centre (Frivilligsentralen) or the organisation you like. "
                             "Organisations can ask Losen's team for an invite to keep their "
                             "own offers up to date here."),
        "out_of_scope": _(lang, "I cannot help with that, but I can find free help and "
                                "activities near you. What do you need, and where do you live?"),
    }
    return messages.get(kind, messages["help"])


def _crisis_opening(reply: Reply) -> str:
    lang = reply.lang
    if reply.crisis_kind == "violence":
        return _(lang, "What you describe is serious, and it is not your fault. If someone is "
                       "hurting you or threatening you right now, call the police on 112.")
    if reply.crisis_kind == "rape":
        return _(lang, "What happened to you is serious, and it is not your fault. If you are "
                       "hurt or in danger now, call 113.")
    if reply.crisis_kind == "overdose":
        return _(lang, "This can be dangerous. Call 113 now if someone has taken too much or "
                       "is hard to wake.")
    return _(lang, "I am really glad you told me. What you write sounds very hard. If your "
                   "life is in danger now, call 113.")


def offer_json(m: Match, explain: bool = False) -> dict[str, Any]:
    o = m.offer
    data: dict[str, Any] = {
        "id": o.id, "name": o.name, "organisation": o.organisation, "needs": list(o.needs),
        "kommunenummer": o.kommunenummer, "scope": o.scope, "area": m.area,
        "address": o.address, "postnummer": o.postnummer, "poststed": o.poststed,
        "phone": format_phone(o.phone), "website": o.website, "labels": dict(o.labels),
        "open": m.opening.state,
        "opening_at": m.opening.at.isoformat() if m.opening.at else None,
        "last_verified": o.last_verified.isoformat() if o.last_verified else None,
        "distance_km": round(m.distance_km, 1) if m.distance_km is not None else None,
        "score": m.score,
        "caution": m.caution,
    }
    if explain:
        data["explain"] = m.explain()
    return data


