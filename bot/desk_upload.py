"""The spreadsheet sent as a file: first what it would change, then, confirmed, the change.

The file waits in the volunteer's desk state (at most 30 minutes) between the two steps, with
the digest of what was shown; ``catalogue.upload`` refuses to apply it if the offers changed in
between, so a confirmation always means what the volunteer saw.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from losen.catalogue.upload import OfferChange, UploadPlan, UploadStale, apply_upload, plan_upload
from losen.locales import gettext as _

from . import desk_state, desk_views
from .desk_state import Step

if TYPE_CHECKING:
    from .desk import Turn
    from .desk_views import Reply

LISTED = 15
"""Offers named per kind of change; the rest are counted."""


def preview(t: Turn, data: bytes) -> Reply:
    plan = plan_upload(t.session, t.account, data, t.now)
    if not plan.has_changes:
        desk_state.clear(t.session, t.account)
        return t.reply(_(t.lang, "The file matches the {count} offers of {org}; nothing to "
                                 "change.", count=str(plan.unchanged), org=plan.organisation))
    desk_state.save(t.session, t.account, Step("upload", None, {
        "org": plan.organization_id, "digest": plan.digest,
        "data": base64.b64encode(data).decode("ascii")}), t.now)
    t.button("✅ " + _(t.lang, "Save the changes"), "upload_ok", 0, offer_id=plan.digest,
             arg=plan.organization_id)
    t.button(_(t.lang, "Cancel"), "cancel", 0)
    return t.reply(summary(plan, t.lang, _(t.lang, "This file would change the offers of "
                                                 "{org}:", org=plan.organisation)))


def confirm_upload(t: Turn, org_id: str, digest: str) -> Reply:
    """Save the file whose changes this button was shown under, and no other: a button under
    an earlier preview must not apply a file sent later."""
    step = desk_state.load(t.session, t.account, t.now)
    if (step is None or step.name != "upload" or step.draft.get("org") != org_id
            or step.draft.get("digest") != digest):
        return t.reply(_(t.lang, "That button no longer works. Send the file again."))
    data = base64.b64decode(str(step.draft["data"]))
    desk_state.clear(t.session, t.account)
    try:
        plan = apply_upload(t.session, t.account, data, str(step.draft["digest"]), t.now,
                            organization_id=org_id)
    except UploadStale:
        t.changed = False
        return t.reply(_(t.lang, UploadStale.message))
    return desk_views.organisation(t, org_id, _(
        t.lang, "Saved: {added} new, {changed} changed, {removed} removed.",
        added=str(len(plan.added)), changed=str(len(plan.changed)),
        removed=str(len(plan.removed))))


def summary(plan: UploadPlan, lang: str, heading: str) -> str:
    lines = [heading]
    if plan.removes_all:
        lines.append("⚠️ " + _(lang, "The file has no offers: all {count} offers would be "
                                     "removed.", count=str(len(plan.removed))))
    for title, changes in ((_(lang, "New"), plan.added), (_(lang, "Changed"), plan.changed),
                           (_(lang, "Removed"), plan.removed)):
        if changes:
            lines.append(f"{title} ({len(changes)}):")
            lines.extend(_line(c, title == _(lang, "Changed")) for c in changes[:LISTED])
            if len(changes) > LISTED:
                lines.append(_(lang, "… and {count} more.", count=str(len(changes) - LISTED)))
    lines.append(_(lang, "Unchanged: {count}", count=str(plan.unchanged)))
    return "\n".join(lines)


def _line(change: OfferChange, columns: bool) -> str:
    detail = f" ({', '.join(change.columns)})" if columns and change.columns else ""
    return f"• {change.name}{detail}"
