"""Languages of the web UI: Vietnamese first, English as a gettext catalogue (Babel).

The screens are written in Vietnamese, so the message ids are Vietnamese and are
never missing for the people at the counter; ``locale/en/LC_MESSAGES/messages.po``
translates them. The catalogue is read from its ``.po`` file when the app starts
(Babel compiles it in memory), so there is no compiled ``.mo`` to forget to rebuild.
``make messages`` extracts new strings into it (``babel.cfg``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from importlib import resources
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

#: The language of the message ids, shown when nothing else is asked for.
DEFAULT = "vi"
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
COOKIE = "sohoa_lang"

_current: ContextVar[NullTranslations | None] = ContextVar("sohoa_translations", default=None)
_IDENTITY = NullTranslations()


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language``; the identity for Vietnamese."""
    if language == DEFAULT or language not in LANGUAGES:
        return NullTranslations()
    po = resources.files(__package__).joinpath(f"locale/{language}/LC_MESSAGES/messages.po")
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def negotiate(cookie: str | None) -> str:
    """The chosen language: the switch's cookie, else Vietnamese. The browser's
    Accept-Language is deliberately not followed: a counter PC set up in English
    must still show Vietnamese screens unless someone switches."""
    return cookie if cookie in LANGUAGES else DEFAULT


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate ``gettext`` calls in this context (one request) into ``language``."""
    token = _current.set(translations(language))
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str, **values: Any) -> str:
    """The message in the current language, with ``%(name)s`` placeholders filled."""
    text = (_current.get() or _IDENTITY).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    text = (_current.get() or _IDENTITY).ngettext(singular, plural, n)
    return text % {"num": n, **values}


_ = gettext


def N_(message: str) -> str:  # noqa: N802 — the gettext convention for "mark only"
    """Mark a message for extraction where it is defined; it is translated where shown."""
    return message
