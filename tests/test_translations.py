"""The Swedish catalogue is complete, and the committed .mo matches the .po.

The interface is Swedish by default and every string must be translated. The
msgids are English; ``src/fordela/locale/sv/LC_MESSAGES/django.po`` holds the
Swedish, and the compiled ``django.mo`` next to it is what runs (it is
committed, so the server needs no gettext). These tests read the .po with a
small parser of their own and the .mo with the standard library.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import fordela

LC_MESSAGES = Path(fordela.__file__).parent / "locale" / "sv" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

# %(name)s / %(n)d placeholders, bare %s / %d, and HTML tags: all must survive.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # singular: {0: ...}

    def __str__(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def _unquote(text: str) -> str:
    # A .po string is a C string literal; its escapes (\" \\ \n \t) mean the
    # same in a Python literal.
    value = ast.literal_eval(text)
    assert isinstance(value, str), text
    return value


def parse_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") included; obsolete (#~) ones skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # the keyword a continuation line extends

    def finish() -> None:
        nonlocal current, target
        if current is not None and target is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if target is not None:  # a comment after strings starts a new entry
                finish()
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if current is None:
            current = Entry(line=number)
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, literal = match.groups()
            # msgctxt, or a msgid not preceded by its msgctxt, after strings starts a new entry
            starts_entry = keyword == "msgctxt" or (
                keyword == "msgid" and target is not None and target[0] != "msgctxt"
            )
            if starts_entry and target is not None:
                finish()
                current = Entry(line=number)
            target = (keyword, int(index) if index is not None else None)
            value = _unquote(literal)
            if keyword == "msgctxt":
                current.msgctxt = value
            elif keyword == "msgid":
                current.msgid, current.line = value, number
            elif keyword == "msgid_plural":
                current.msgid_plural = value
            else:
                current.msgstr[target[1] or 0] = value
            continue
        if line.startswith('"') and target is not None:
            value = _unquote(line)
            keyword, index = target
            if keyword == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif keyword == "msgid":
                current.msgid += value
            elif keyword == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgstr[index or 0] += value
            continue
        raise AssertionError(f"django.po:{number}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return parse_po(PO)


@pytest.fixture(scope="module")
def messages(po_entries: list[Entry]) -> list[Entry]:
    return [e for e in po_entries if e.msgid != ""]


@pytest.fixture(scope="module")
def mo() -> gettext.GNUTranslations:
    with MO.open("rb") as fp:
        return gettext.GNUTranslations(fp)


def test_catalogue_is_not_empty(messages: list[Entry]) -> None:
    assert len(messages) > 100


def test_header_declares_swedish_and_its_plural_rule(po_entries: list[Entry]) -> None:
    header = next(e for e in po_entries if e.msgid == "")
    assert "fuzzy" not in header.flags
    assert "Language: sv\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]


def test_no_entry_is_fuzzy(messages: list[Entry]) -> None:
    fuzzy = [str(e) for e in messages if "fuzzy" in e.flags]
    assert fuzzy == [], "fuzzy translations must be checked and the flag removed"


def test_every_msgid_has_a_swedish_msgstr(messages: list[Entry]) -> None:
    untranslated = []
    for e in messages:
        forms = [0, 1] if e.msgid_plural is not None else [0]
        if any(not e.msgstr.get(i, "").strip() for i in forms):
            untranslated.append(str(e))
    assert untranslated == []


def test_msgids_are_unique(messages: list[Entry]) -> None:
    keys = [(e.msgctxt, e.msgid) for e in messages]
    assert len(keys) == len(set(keys))


def test_placeholders_and_tags_are_kept(messages: list[Entry]) -> None:
    broken = []
    for e in messages:
        pairs = [(e.msgid, e.msgstr.get(0, ""))]
        if e.msgid_plural is not None:
            pairs.append((e.msgid_plural, e.msgstr.get(1, "")))
        for source, translation in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                broken.append(f"{e}: {translation!r}")
    assert broken == []


def test_compiled_catalogue_agrees_with_the_po(messages: list[Entry], mo: gettext.GNUTranslations) -> None:
    stale = []
    for e in messages:
        if e.msgid_plural is None:
            got = mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt is not None else mo.gettext(e.msgid)
            if got != e.msgstr[0]:
                stale.append(f"{e}: .mo has {got!r}, .po has {e.msgstr[0]!r}")
        else:
            for n, form in ((1, 0), (2, 1)):
                if e.msgctxt is not None:
                    got = mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                else:
                    got = mo.ngettext(e.msgid, e.msgid_plural, n)
                if got != e.msgstr[form]:
                    stale.append(f"{e} (n={n}): .mo has {got!r}, .po has {e.msgstr[form]!r}")
    assert stale == [], "recompile: manage.py compilemessages -l sv"


def test_compiled_catalogue_has_no_extra_messages(messages: list[Entry], mo: gettext.GNUTranslations) -> None:
    expected: set[str | tuple[str, int]] = set()
    for e in messages:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            expected.add(key)
        else:
            expected |= {(key, 0), (key, 1)}
    compiled = {k for k in mo._catalog if k != ""}  # type: ignore[attr-defined]
    assert compiled == expected, "recompile: manage.py compilemessages -l sv"


def test_the_parser_reads_multiline_plural_and_escaped_entries(tmp_path: Path) -> None:
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: sv\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Two %(n)s "\n"lines"\nmsgstr "Två %(n)s rader"\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "maj"\n\n'
        'msgid "%(c)s item"\nmsgid_plural "%(c)s items"\nmsgstr[0] "%(c)s sak"\nmsgstr[1] "%(c)s saker"\n\n'
        'msgid "Say \\"hi\\""\nmsgstr "Säg ”hej”"\n\n'
        '#~ msgid "Old"\n#~ msgstr "Gammal"\n',
        encoding="utf-8",
    )
    header, two, may, item, say = parse_po(sample)
    assert header.msgstr[0] == "Language: sv\n"
    assert (two.msgid, two.msgstr[0], two.flags) == (
        "Two %(n)s lines",
        "Två %(n)s rader",
        {"fuzzy", "python-format"},
    )
    assert (may.msgctxt, may.msgid, may.msgstr[0]) == ("month", "May", "maj")
    assert (item.msgid_plural, item.msgstr) == ("%(c)s items", {0: "%(c)s sak", 1: "%(c)s saker"})
    assert say.msgid == 'Say "hi"'
