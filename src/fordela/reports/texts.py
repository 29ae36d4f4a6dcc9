"""The simple formatting of the written annual analysis, read once for the web and the documents:
paragraphs separated by a blank line; a line starting with "- ", "• " or "* " is a bullet."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fordela.engine.model import AnalysisSection
from fordela.reports.i18n import Labels
from fordela.reports.i18n import gettext_noop as N_

BULLETS = ("- ", "• ", "* ")

SECTION_TITLES = Labels(
    {
        AnalysisSection.INTRODUCTION: N_("Introduction"),
        AnalysisSection.SERVICES_DELIVERED: N_("Base services delivered"),
        AnalysisSection.NEW_AND_RETIRED: N_("New services and services being retired"),
        AnalysisSection.MANAGEMENT_COST: N_("Management cost of existing base services"),
        AnalysisSection.KEY_CHANGES: N_("Comments on changed distribution keys"),
        AnalysisSection.KEY_CHANGE_DIALOGUE: N_("Dialogue on changed distribution keys"),
        AnalysisSection.SERVICE_DEVELOPMENT: N_("Summary of development within management per service"),
        AnalysisSection.FRAMING: N_("Framing and conditions"),
        AnalysisSection.PROPOSAL_COMMENT: N_("The strategic coordination group's comment"),
        AnalysisSection.CONCLUSIONS: N_("Conclusions"),
        AnalysisSection.COUNCIL_RECOMMENDATION: N_("Recommendation to the city council"),
    }
)


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
