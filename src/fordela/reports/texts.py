"""The simple formatting of the written annual analysis, read once for the web and the documents:
paragraphs separated by a blank line; a line starting with "- ", "• " or "* " is a bullet."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fordela.engine.model import AnalysisSection

BULLETS = ("- ", "• ", "* ")

SECTION_TITLES = {
    AnalysisSection.INTRODUCTION: "Inledning",
    AnalysisSection.SERVICES_DELIVERED: "Bastjänster som levereras",
    AnalysisSection.NEW_AND_RETIRED: "Nya tjänster och tjänster som avvecklas",
    AnalysisSection.MANAGEMENT_COST: "Förvaltningskostnad befintliga bastjänster",
    AnalysisSection.KEY_CHANGES: "Kommentarer till förändrade fördelningsnycklar",
    AnalysisSection.KEY_CHANGE_DIALOGUE: "Dialog om förändrade fördelningsnycklar",
    AnalysisSection.SERVICE_DEVELOPMENT: "Sammanfattning av utveckling inom förvaltning per tjänst",
    AnalysisSection.FRAMING: "Inramning förutsättningar",
    AnalysisSection.PROPOSAL_COMMENT: "Strategisk samordningsgrupps kommentar",
    AnalysisSection.CONCLUSIONS: "Slutsatser",
    AnalysisSection.COUNCIL_RECOMMENDATION: "Rekommendation till kommunfullmäktige",
}


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # "p" (one paragraph, one item) or "ul" (bullet items)
    items: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """`text` as paragraphs and bullet lists; lines of one paragraph are joined with a space."""
    out: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip()):
        prose: list[str] = []
        items: list[str] = []
        for line in (x.strip() for x in chunk.split("\n")):
            if not line:
                continue
            if line.startswith(BULLETS):
                if prose:
                    out.append(Block("p", (" ".join(prose),)))
                    prose = []
                items.append(line[2:].strip())
            else:
                if items:
                    out.append(Block("ul", tuple(items)))
                    items = []
                prose.append(line)
        if prose:
            out.append(Block("p", (" ".join(prose),)))
        if items:
            out.append(Block("ul", tuple(items)))
    return out
