"""Translation of the report texts (titles, headings, line labels, statuses) without Django.

The msgids are English, as everywhere in fordela, and the Swedish is in the one catalogue
(`fordela/locale/sv/LC_MESSAGES/django.po`). By default the reports read that catalogue with the
standard library, so a report is Swedish wherever it is made; the web installs Django's gettext
with `use_gettext`, so a page's tables, charts and lines follow the language the person chose.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

K = TypeVar("K")

_LOCALE = Path(__file__).resolve().parent.parent / "locale"
_gettext: Callable[[str], str] = stdlib_gettext.translation(
    "django", localedir=_LOCALE, languages=["sv"], fallback=True
).gettext


def use_gettext(function: Callable[[str], str]) -> None:
    """Install the caller's gettext (the web: Django's, which follows the active language)."""
    global _gettext
    _gettext = function


def gettext(message: str) -> str:
    """`message` (English) in the active language."""
    return str(_gettext(message))


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue where it is defined; `gettext` translates it where used."""
    return message


class Labels(Mapping[K, str]):
    """A mapping of keys to English msgids that gives each label in the active language when read."""

    def __init__(self, messages: Mapping[K, str]) -> None:
        self._messages = dict(messages)

    def __getitem__(self, key: K) -> str:
        return gettext(self._messages[key])

    def __iter__(self) -> Iterator[K]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)
