"""Every sentence a person reads, as gettext catalogues for nb, nn and en.

Message ids in the code are English; each language has its own catalogue under
``locales/<lang>/LC_MESSAGES/losen.po``. The build compiles them to ``.mo`` (see ``setup.py``);
where a compiled file is missing or older than its source, as in a fresh checkout, the ``.po``
is compiled in memory with Babel so that a translation is never silently skipped.
"""

from __future__ import annotations

import gettext as _gettext
import io
from functools import cache
from pathlib import Path

DOMAIN = "losen"
LANGUAGES: tuple[str, ...] = ("nb", "nn", "en")
DEFAULT_LANGUAGE = "nb"
LOCALE_DIR = Path(__file__).resolve().parent


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet."""
    return message


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue for ``lang`` (nb when unknown)."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return _gettext.GNUTranslations(f)
    if po.exists():
        return _gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    return _gettext.NullTranslations()


def compile_po(po: Path) -> bytes:
    """Compile one ``.po`` file to ``.mo`` bytes with Babel."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def gettext(lang: str, message: str, **params: object) -> str:
    """Translate ``message`` into ``lang`` and fill in ``{named}`` parameters."""
    text = translations(lang).gettext(message)
    return text.format(**params) if params else text


def ngettext(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text.format(n=n, **params)
