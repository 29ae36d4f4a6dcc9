"""What every file fordela writes for people says about itself: title, author, date, language, A4.

One place for these values so that the workbook (here, in `package`) and the documents above
(`fordela.documents.common` applies them to .docx, .pptx and PDF) cannot disagree. No Django.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from fordela.engine.model import CycleData

LANGUAGE = "sv-SE"  # the language of every document's text (BCP 47, as Office and PDF want it)
A4_MM = (210, 297)  # portrait width × height; landscape documents swap them
DASH = " – "


def publisher(data: CycleData) -> str:
    """The organisation that publishes the cycle's documents: its title up to the dash
    ("Göteborgs Stad – årlig analys och budget 2026" → "Göteborgs Stad"), else the whole title."""
    title = data.cycle.title.strip()
    return title.split(DASH, 1)[0].strip() if DASH in title else title


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document's metadata as its file records it (core properties, PDF info and catalog)."""

    title: str
    author: str
    subject: str = ""
    date: datetime.date = field(default_factory=lambda: datetime.datetime.now(datetime.UTC).date())
    language: str = LANGUAGE

    @property
    def timestamp(self) -> datetime.datetime:
        """The date as midnight UTC: Office files store a datetime, and the time is not meaningful."""
        return datetime.datetime(self.date.year, self.date.month, self.date.day, tzinfo=datetime.UTC)


def document_info(data: CycleData, title: str, *, author: str | None = None, subject: str = "") -> DocumentInfo:
    """The metadata of a document of `data` titled `title`; the author defaults to the publisher."""
    return DocumentInfo(title=title, author=author or publisher(data), subject=subject or data.cycle.title)


def xlsx_properties(book: object, info: DocumentInfo) -> None:
    """Set `info` on an openpyxl workbook and make every sheet print on A4."""
    properties = book.properties  # type: ignore[attr-defined]
    properties.title, properties.creator, properties.subject = info.title, info.author, info.subject
    properties.lastModifiedBy = info.author
    properties.language = info.language
    # openpyxl wants naive datetimes here (it writes them as UTC).
    properties.created = properties.modified = info.timestamp.replace(tzinfo=None)
    for sheet in book.worksheets:  # type: ignore[attr-defined]
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
