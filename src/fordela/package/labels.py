"""Swedish words for the package's tables, columns and values, for people working in the workbook.

The machine names stay the contract (`fordela.package.schema`); these are only what a person
reads. A table or column without an entry here (added later to the schema) falls back to its
English description and machine name, so the workbook never breaks on a new column.
"""

from __future__ import annotations

from enum import StrEnum

from fordela.engine import model as m
from fordela.package.schema_types import Column, Kind, Table

TABLE_TEXTS: dict[str, str] = {
    "cycle": "Cykeln: kod, titel, budgetår, basår och index. Exakt en rad.",
    "organisations": "Alla organisationer som levererar eller betalar för tjänster: förvaltningar, bolag och nämnder.",
    "drivers": "Storheter som fördelningsnycklar bygger på, t.ex. antal anställda eller administrativa datorer.",
    "driver_values": "Varje organisations värde per drivare och år.",
    "keys": "Fördelningsnycklar: reglerna som delar en tjänsts kostnad mellan deltagarna.",
    "key_shares": "Andelarna för nycklar med metoden fixed (fasta andelar).",
    "services": "Tjänstekatalogen: tjänst, leverantör och kategori, med beskrivning av utveckling inom förvaltning.",
    "service_years": "Varje tjänsts kostnad per år: budget, förslag, varav utveckling inom tjänst, utfall och nyckel.",
    "participation": "Vilka organisationer som deltar i vilken tjänst, från och till vilket år.",
    "subscriptions": "Abonnemang på tilläggstjänster och valbara tjänster: antal × pris.",
    "allocation_history": "Belopp som faktiskt fördelats tidigare år (används av nycklar med metoden frozen).",
    "review_stages": "Beredningsstegen i ordning: beredning, strategisk samordningsgrupp, kommunfullmäktige.",
    "proposals": "Årlig analys: varje förslag som en leverantör lämnar.",
    "proposal_amounts": "Förslagens belopp per år och typ (utveckling eller förvaltning).",
    "reviews": "Varje beredningsstegs ställningstagande och kommentar per förslag.",
    "review_amounts": "Tillstyrkta belopp när ett steg tillstyrker mindre än föreslaget.",
    "review_conditions": "Villkor som hör till ett ställningstagande.",
    "scenarios": "Namngivna urval av förslag.",
    "scenario_proposals": "Förslagen i varje uttryckligt scenario.",
    "budget_lines": "Beslutade budgetbelopp som inte finns i katalogen (basårets förändringsinsatser).",
    "analysis_texts": "Årliga analysens text per leverantör och avsnitt, och samordningsgruppens bedömning.",
}

COLUMN_HEADINGS: dict[str, str] = {
    "code": "Kod",
    "name": "Namn",
    "title": "Titel",
    "note": "Anteckning",
    "kind": "Typ",
    "unit": "Enhet",
    "driver": "Drivare",
    "organisation": "Organisation",
    "year": "År",
    "value": "Värde",
    "method": "Metod",
    "frozen_year": "Låst fördelning från år",
    "solidarity_driver": "Drivare för solidarisk rest",
    "key": "Fördelningsnyckel",
    "share": "Andel",
    "supplier": "Leverantör",
    "category": "Kategori",
    "description": "Beskrivning",
    "service": "Tjänst",
    "cost": "Förvaltningskostnad",
    "development_within_service": "Varav utveckling inom tjänst",
    "outcome": "Utfall",
    "from_year": "Från år",
    "to_year": "Till och med år",
    "quantity": "Antal",
    "unit_price": "Pris per enhet",
    "amount": "Belopp",
    "position": "Ordning",
    "financing": "Finansiering",
    "proposed_category": "Föreslagen kategori",
    "proposed_key": "Föreslagen fördelningsnyckel",
    "future_management_cost": "Framtida förvaltningskostnad per år",
    "future_management_from_year": "Framtida förvaltning från år",
    "already_decided": "Redan beslutad",
    "proposal": "Förslag",
    "type": "Beloppstyp",
    "stage": "Beredningssteg",
    "future_management_approved": "Framtida förvaltning tillstyrkt",
    "comment": "Kommentar",
    "text": "Villkor i text",
    "scenario": "Scenario",
    "line": "Budgetrad",
    "target_year": "Budgetår",
    "base_year": "Basår",
    "index_rate": "Index",
    "first_year": "Första år",
    "last_year": "Sista år",
    "current_stage": "Aktuellt beredningssteg",
    "period": "Period",
    "rate": "Sats",
    "reason": "Skäl",
    "organisation_kind": "Typ av organisation",
    "from_period": "Från period",
    "to_period": "Till och med period",
}
# Where one machine name means different things in different tables.
TABLE_COLUMN_HEADINGS: dict[tuple[str, str], str] = {
    ("organisations", "kind"): "Typ av organisation",
    ("proposals", "kind"): "Typ av förslag",
    ("scenarios", "kind"): "Typ av scenario",
    ("review_conditions", "kind"): "Typ av villkor",
    ("reviews", "outcome"): "Ställningstagande",
    ("service_years", "cost"): "Budget/förslag",
    ("budget_lines", "line"): "Budgetrad",
}

KIND_TEXTS: dict[Kind, str] = {
    Kind.CODE: "kod (a–z, 0–9, - och _)",
    Kind.TEXT: "text",
    Kind.YEAR: "år",
    Kind.INTEGER: "heltal",
    Kind.DECIMAL: "decimaltal",
    Kind.MONEY: "belopp i kr, högst två decimaler",
    Kind.BOOL: "true eller false",
    Kind.ENUM: "värde ur listan",
}

VALUE_TEXTS: dict[str, str] = {
    # organisation kinds
    "administration": "förvaltning",
    "company": "bolag",
    "board": "nämnd (leverantör)",
    # key methods
    "driver": "efter drivare",
    "equal": "lika delar",
    "fixed": "fasta andelar",
    "frozen": "förra årets procentuella fördelning",
    "subscription": "abonnemang (antal × pris)",
    "hybrid": "abonnemang, resten solidariskt",
    # service categories
    "base": "bastjänst",
    "add_on": "tilläggstjänst",
    "infrastructure": "digital infrastruktur",
    "opt_in": "valbar vid behov",
    # proposal kinds
    "new_service": "ny tjänst",
    "recategorisation": "ändrad kategorisering",
    "key_change": "ändrad fördelningsnyckel",
    "change_initiative": "förändringsinsats",
    "development_within_service": "utveckling inom tjänst",
    "supplier_contract": "leverantörsavtal",
    "settlement": "avräkning genomförd utveckling",
    "efficiency": "effektivisering",
    "volume_change": "volymförändring",
    # financing
    "solidarity": "solidarisk finansiering",
    "users": "de som ansluter betalar",
    "own_funds": "egna medel",
    "municipal_grant": "kommunbidrag",
    "grant_call": "utlysning",
    # amount types
    "development": "utveckling",
    "management": "förvaltning",
    # review outcomes
    "approve": "tillstyrks",
    "approve_with_conditions": "tillstyrks med villkor",
    "approve_as_add_on": "som tilläggstjänst",
    "reject": "avslås",
    "defer": "avvakta",
    # conditions
    "invoice_after_incurred": "fakturering efter upparbetade kostnader",
    "prerequisite": "förutsättning före start",
    "other": "annat",
    # scenario kinds
    "explicit": "uttryckligt urval",
    "all_proposed": "allt som föreslås",
    "stage": "som beslutat av ett beredningssteg",
    # budget lines
    "change_initiatives": "förändringsinsatser",
}

# A check that every value of the enumerations the workbook offers has a Swedish word.
ENUMS: tuple[type[StrEnum], ...] = (
    m.OrganisationKind,
    m.KeyMethod,
    m.ServiceCategory,
    m.ProposalKind,
    m.Financing,
    m.AmountType,
    m.ReviewOutcome,
    m.ConditionKind,
    m.ScenarioKind,
    m.BudgetLineKind,
)


def column_heading(table: Table, column: Column) -> str:
    """The Swedish heading of `column`, with the unit for money (``Belopp (kr)``)."""
    text = TABLE_COLUMN_HEADINGS.get((table.name, column.name)) or COLUMN_HEADINGS.get(column.name, column.name)
    return f"{text} (kr)" if column.kind is Kind.MONEY else text


def table_text(table: Table) -> str:
    return TABLE_TEXTS.get(table.name, table.description)


def column_text(column: Column) -> str:
    """What a cell of `column` takes, in Swedish: type, reference or allowed values."""
    parts = [KIND_TEXTS[column.kind]]
    if column.ref:
        parts.append(f"en kod från bladet {column.ref}")
    if column.choices:
        values = ", ".join(
            f"{e.value} ({VALUE_TEXTS[e.value]})" if e.value in VALUE_TEXTS else e.value for e in column.choices
        )
        parts.append(f"ett av: {values}")
    if column.non_negative:
        parts.append("aldrig negativt")
    return "; ".join(parts)
