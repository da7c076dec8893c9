"""Translations (gettext catalogues read with Babel) and locale-aware formatting of dates, numbers and money."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = {"da": "Dansk", "en": "English"}
BABEL_LOCALES = {"da": "da_DK", "en": "en_GB"}


def locale_dir() -> Path:
    """Folder of the gettext catalogues (<lang>/LC_MESSAGES/*.po)."""
    return Path(str(resources.files("eudesk").joinpath("locale")))


@lru_cache
def catalogue(lang: str) -> dict[str, str | tuple[str, ...]]:
    """All translated messages of a language, merged from every domain's .po file."""
    messages: dict[str, str | tuple[str, ...]] = {}
    folder = locale_dir() / lang / "LC_MESSAGES"
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        for msg in cat:
            if not msg.id or not msg.string or msg.fuzzy:
                continue
            key = msg.id[0] if isinstance(msg.id, tuple | list) else msg.id
            value = tuple(msg.string) if isinstance(msg.string, tuple | list) else msg.string
            messages[key] = value
    return messages


@dataclass(frozen=True)
class Translator:
    """gettext, ngettext and formatting for one language."""

    lang: str

    @property
    def babel_locale(self) -> Locale:
        """The Babel locale used for formatting."""
        return Locale.parse(BABEL_LOCALES.get(self.lang, "en_GB"))

    def gettext(self, msgid: str, /, **params: object) -> str:
        """The message in this language (the English text if untranslated), with %(name)s parameters filled."""
        found = catalogue(self.lang).get(msgid)
        if isinstance(found, tuple):  # the msgid is also the singular of a plural entry
            found = found[0]
        text = found or msgid
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """Singular or plural form for n; %(num)s is n."""
        messages = catalogue(self.lang)
        found = messages.get(singular)
        if isinstance(found, tuple) and len(found) >= 2:
            text = found[0] if n == 1 else found[1]
        else:
            # No plural entry (a .po file holds one entry per msgid, and 'Deadline' may already be a plain
            # message): use the plain translations of the singular and the plural.
            wanted = singular if n == 1 else plural
            plain = messages.get(wanted)
            text = plain if isinstance(plain, str) and plain else wanted
        return text % {"num": n, **params}

    def date(self, value: dt.date | dt.datetime | None, fmt: str = "long") -> str:
        """A date such as '5. marts 2026' (da) or '5 March 2026' (en); '' for None."""
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.date()
        return _babel_format_date(value, format=fmt, locale=self.babel_locale)

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """A number with the locale's grouping ('1.250.000' in Danish)."""
        if value is None:
            return ""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.babel_locale)

    def digits_apart(self, value: float, other: float, least: int = 0, most: int = 4) -> int:
        """The fewest decimals (at least least, at most most) at which value and other are shown differently, so
        that a figure compared with a level never reads as equal to it ('0.834, at least the 0.830' rather than
        '0.83, at least the 0.83')."""
        for digits in range(least, most):
            if self.number(value, digits) != self.number(other, digits):
                return digits
        return most

    def money(self, value: float | int | None, currency: str = "EUR") -> str:
        """An amount such as '1.250.000 EUR'; '' for None."""
        if value is None:
            return ""
        return f"{self.number(value)} {currency}"


def pick_language(*, query: str | None, cookie: str | None, accept: str | None, default: str) -> str:
    """The UI language: ?lang=, then the cookie, then the browser's Accept-Language, then the default."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    if accept:
        weighted = []
        for part in accept.split(","):
            bits = part.strip().split(";q=")
            code = bits[0].strip().lower()[:2]
            try:
                q = float(bits[1]) if len(bits) > 1 else 1.0
            except ValueError:
                q = 0.0
            weighted.append((q, code))
        for _q, code in sorted(weighted, reverse=True):
            if code in LANGUAGES:
                return code
    return default if default in LANGUAGES else "en"
