"""Build the demo cycle package `goteborg-2026` from the seed documents.

The published figures (seeds/000…, seeds/004…) are typed in below exactly as the documents give
them. Where the seeds give no detail — which administrations and companies exist, their driver
values, how a published total splits into services and proposals — the values are ILLUSTRATIVE
(marked so in the package's `note` columns and descriptions), chosen to add up exactly to the
published figures. Run `make demo-package` after editing; the package in src/fordela/demo/ is
what ships and what the tests read.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from fordela.engine import model as m
from fordela.engine.amounts import proposal_management
from fordela.engine.model import AmountType as T
from fordela.engine.model import ProposalKind as K
from fordela.engine.model import ReviewOutcome as O
from fordela.package.writer import write_package

MSEK = 100_000_000  # öre
TKR = 100_000
KR = 100
ILLUSTRATIVE = "illustrativ"
YEARS = range(2023, 2031)
BASE, TARGET = 2025, 2026

SUPPLIERS = [
    ("intraservice", "Nämnden för Intraservice", 1500),
    ("dms", "Nämnden för demokrati och medborgarservice", 350),
    ("iu", "Inköps- och upphandlingsnämnden", 200),
]
# code, name, employees 2025, admin computers per employee, yearly growth ‰ — all illustrative
ADMINISTRATIONS = [
    ("forskola", "Förskoleförvaltningen", 7200, "0.22", 8),
    ("grundskola", "Grundskoleförvaltningen", 9800, "0.30", 10),
    ("utbildning", "Utbildningsförvaltningen", 3600, "0.45", 6),
    ("aldre-vard-omsorg", "Äldre samt vård- och omsorgsförvaltningen", 11500, "0.18", 15),
    ("funktionsstod", "Förvaltningen för funktionsstöd", 7900, "0.20", 12),
    ("social-centrum", "Socialförvaltningen Centrum", 3100, "0.55", 4),
    ("social-hisingen", "Socialförvaltningen Hisingen", 3300, "0.52", 5),
    ("social-nordost", "Socialförvaltningen Nordost", 3400, "0.50", 5),
    ("social-sydvast", "Socialförvaltningen Sydväst", 2900, "0.53", 3),
    ("arbetsmarknad", "Förvaltningen för arbetsmarknad och vuxenutbildning", 1500, "0.70", 2),
    ("stadsmiljo", "Stadsmiljöförvaltningen", 1100, "0.85", 3),
    ("stadsbyggnad", "Stadsbyggnadskontoret", 600, "1.05", 2),
    ("fastighet", "Fastighetskontoret", 450, "1.02", 1),
    ("lokal", "Lokalförvaltningen", 650, "0.95", 2),
    ("kultur", "Kulturförvaltningen", 1300, "0.60", 1),
    ("idrott-forening", "Idrotts- och föreningsförvaltningen", 800, "0.58", 1),
    ("miljo", "Miljöförvaltningen", 280, "1.10", 0),
    ("stadsledning", "Stadsledningskontoret", 850, "1.08", 4),
]
COMPANIES = [
    ("framtiden", "Förvaltnings AB Framtiden", 1800, "0.75", 5),
    ("energi", "Göteborg Energi AB", 1000, "0.95", 3),
    ("higab", "Higab AB", 150, "1.00", 1),
    ("hamn", "Göteborgs Hamn AB", 300, "0.90", 2),
    ("renova", "Renova AB", 600, "0.60", 2),
]
SUPPLIER_RATIOS = {"intraservice": ("1.10", 6), "dms": ("0.95", 3), "iu": ("1.05", 2)}


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1))


def organisations_and_drivers() -> tuple[list[m.Organisation], list[m.DriverValue]]:
    orgs: list[m.Organisation] = []
    values: list[m.DriverValue] = []
    rows = [(c, n, e, *SUPPLIER_RATIOS[c], m.OrganisationKind.BOARD) for c, n, e in SUPPLIERS]
    rows += [(*a, m.OrganisationKind.ADMINISTRATION) for a in ADMINISTRATIONS]
    rows += [(*c, m.OrganisationKind.COMPANY) for c in COMPANIES]
    for code, name, employees, computers, growth, kind in rows:
        orgs.append(m.Organisation(code, name, kind, ILLUSTRATIVE if kind is not m.OrganisationKind.BOARD else ""))
        for year in YEARS:
            staff = _round(Decimal(employees) * (1 + Decimal(growth) / 1000) ** (year - BASE))
            values.append(m.DriverValue("employees", code, year, staff))
            values.append(m.DriverValue("admin_computers", code, year, _round(staff * Decimal(computers))))
            values.append(m.DriverValue("payslips", code, year, _round(staff * Decimal("13.4"))))
    return orgs, values


KEYS = [
    m.DistributionKey("k-employees", "Antal anställda", m.KeyMethod.DRIVER, driver="employees"),
    m.DistributionKey("k-computers", "Antal administrativa datorer", m.KeyMethod.DRIVER, driver="admin_computers"),
    m.DistributionKey("k-payslips", "Antal lönespecifikationer", m.KeyMethod.DRIVER, driver="payslips"),
    m.DistributionKey("k-equal", "Lika delar", m.KeyMethod.EQUAL),
    m.DistributionKey(
        "k-frozen-2025", "Tillämpa 2025 års procentuella fördelning", m.KeyMethod.FROZEN, frozen_year=2025
    ),
    m.DistributionKey("k-stadsnat", "Anslutningspunkter i stadsnätet", m.KeyMethod.FIXED),
    m.DistributionKey("k-subscription", "Abonnemang (antal × pris)", m.KeyMethod.SUBSCRIPTION),
    m.DistributionKey(
        "k-hybrid-employees",
        "Abonnemang, resten solidariskt per anställd",
        m.KeyMethod.HYBRID,
        solidarity_driver="employees",
    ),
]

IS, D, U = "intraservice", "dms", "iu"
B, A, INF, OPT = (
    m.ServiceCategory.BASE,
    m.ServiceCategory.ADD_ON,
    m.ServiceCategory.INFRASTRUCTURE,
    m.ServiceCategory.OPT_IN,
)
# code, name, supplier, category, key, cost 2025 (öre) — the split of the published totals is illustrative
SERVICES = [
    ("it-arbetsplats", "IT-arbetsplats", IS, B, "k-computers", 310 * MSEK),
    ("office365", "Office 365", IS, B, "k-employees", 145 * MSEK),
    ("telefoni", "Telefoni", IS, B, "k-employees", 50 * MSEK),
    ("lan", "LAN", IS, INF, "k-computers", 62 * MSEK),
    ("stadsnat", "Stadsnätet", IS, INF, "k-stadsnat", 48 * MSEK),
    ("domino", "Domino", IS, B, "k-computers", 24 * MSEK),
    ("hr-system", "HR- och lönesystem", IS, B, "k-payslips", 120 * MSEK),
    ("ekonomisystem", "Ekonomisystem", IS, B, "k-employees", 95 * MSEK),
    ("e-arkiv", "E-arkiv och bevarande", IS, B, "k-employees", 38 * MSEK),
    ("it-sakerhet", "IT-säkerhet", IS, INF, "k-employees", 70 * MSEK),
    ("datacenter", "Drift och datacenter", IS, INF, "k-computers", 70 * MSEK),
    ("servicedesk", "Servicedesk", IS, B, "k-employees", 596 * MSEK // 10),
    ("grundlaggande-di", "Grundläggande digital infrastruktur", IS, INF, "k-stadsnat", None),
    ("automatisering", "Digitalisering med hjälp av automatisering", IS, OPT, "k-hybrid-employees", None),
    ("hallbarhetsinformation", "Stöd för hållbarhetsinformation", IS, B, "k-employees", None),
    (
        "medarbetarundersokning",
        "Stöd i arbetet med löpande medarbetarundersökningar",
        IS,
        A,
        "k-subscription",
        6 * MSEK // 10,
    ),
    ("kemikaliehantering", "Stöd i kemikaliehantering", IS, A, "k-subscription", 3 * MSEK // 10),
    ("internkontroll", "Stöd i internkontroll och riskhantering", IS, A, "k-subscription", 3 * MSEK // 10),
    ("demokrati", "Demokratistärkande metoder och verktyg", D, B, "k-computers", 98 * MSEK // 10),
    ("extern-service", "Extern service och kommunikation", D, B, "k-computers", 305 * MSEK // 10),
    ("kontaktcenter", "Göteborgs Stads kontaktcenter", D, B, "k-employees", 412 * MSEK // 10),
    ("oppna-data", "Öppna data", D, B, "k-computers", 54 * MSEK // 10),
    ("kundtjanst", "Verksamhetsanpassad kundtjänst", D, A, "k-subscription", 4 * MSEK),
    ("e-handel", "E-handelssystem", U, B, "k-employees", 20 * MSEK),
    ("upphandlingsstod", "Upphandlingsstöd och avtalskatalog", U, B, "k-employees", 13 * MSEK),
]
DESCRIPTIONS = {
    "extern-service": "goteborg.se, kalendarium.goteborg.se och Mina sidor; stöd till e-tjänster "
    "och stadens officiella "
    "sociala medier. 2026: nya kartlösningar, tillgänglighet, enhetligare webbplats, alternativ webbplats vid "
    "angrepp, vidareutveckling av Mina sidor och översyn av AI.",
    "kontaktcenter": "Personlig vägledning via telefon, e-post och sociala medier. 2026: samtalsanalys, "
    "ärendehantering integrerad i telefonitjänsten, nytt telefonisystem infört, AI för att hitta information.",
    "demokrati": "Digitala verktyg för dialog, delaktighet och inflytande, bl.a. plattformen Decidim. "
    "Göteborgsförslaget finansieras från 2025 via kommunbidrag. 2026: fortsatt utveckling och utbildningar.",
    "oppna-data": "Plattform och rådgivning för att tillgängliggöra stadens offentliga information. 2026: säkra "
    "att plattformen är ändamålsenlig och följer lagkrav.",
    "kundtjanst": "Tilläggstjänst: kundtjänst utifrån kundens målgrupp, avtal med respektive kund.",
}
# DMS (seeds/004…): outcome 2023 73 970 000 and 2024 78 675 000, budget 2025 86 900 000 of which
# 9 470 000 development within service, proposal 2026 86 900 000 of which 6 838 800. Per service illustrative.
DMS_HISTORY = {  # service: (outcome 2023, outcome 2024, dev within 2025, dev within 2026) in kr
    "demokrati": (8_300_000, 8_900_000, 1_400_000, 1_000_000),
    "extern-service": (26_000_000, 27_800_000, 4_200_000, 3_038_800),
    "kontaktcenter": (35_000_000, 37_200_000, 3_300_000, 2_400_000),
    "oppna-data": (4_670_000, 4_775_000, 570_000, 400_000),
}


def p(code, supplier, kind, title, *, financing=m.Financing.SOLIDARITY, **kw) -> m.Proposal:  # noqa: ANN001
    return m.Proposal(code, supplier, kind, title, financing, **kw)


# (proposal, [(year, type, amount kr)], [(stage, outcome, comment, approved amounts or None, future approved,
#   [(condition kind, text)])])
PROPOSALS: list[tuple[m.Proposal, list[tuple[int, T, int]], list[tuple]]] = []


def add(proposal: m.Proposal, amounts: list[tuple[int, T, int]], *reviews: tuple) -> None:
    PROPOSALS.append((proposal, amounts, list(reviews)))


PREP, SSG = "preparation", "coordination_group"
OK = (PREP, O.APPROVE, "", None, False, [])


def management_proposals() -> None:
    lines = [
        (
            K.DEVELOPMENT_WITHIN_SERVICE,
            "Utveckling inom tjänst",
            [
                ("it-arbetsplats", 15_000_000),
                ("office365", 12_200_000),
                ("hr-system", 10_000_000),
                ("ekonomisystem", 8_000_000),
                ("e-arkiv", 5_000_000),
                ("servicedesk", 4_000_000),
                ("it-sakerhet", 6_000_000),
            ],
        ),  # Σ 60,2 mkr
        (
            K.SUPPLIER_CONTRACT,
            "Leverantörsavtal",
            [("office365", 18_500_000), ("hr-system", 6_800_000), ("ekonomisystem", 4_800_000)],
        ),  # Σ 30,1
        (
            K.SETTLEMENT,
            "Avräkning genomförd utveckling 2025",
            [
                ("it-arbetsplats", -20_000_000),
                ("office365", -14_000_000),
                ("hr-system", -12_100_000),
                ("ekonomisystem", -10_000_000),
                ("e-arkiv", -5_000_000),
                ("servicedesk", -5_000_000),
            ],
        ),  # Σ −66,1
        (
            K.EFFICIENCY,
            "Effektivisering",
            [("datacenter", -6_400_000), ("servicedesk", -4_000_000), ("it-arbetsplats", -5_000_000)],
        ),  # Σ −15,4
        (
            K.VOLUME_CHANGE,
            "Ökade volymer",
            [("it-arbetsplats", 4_500_000), ("office365", 3_600_000), ("servicedesk", 2_000_000)],
        ),  # Σ 10,1
    ]
    prefix = {
        K.DEVELOPMENT_WITHIN_SERVICE: "utv",
        K.SUPPLIER_CONTRACT: "avtal",
        K.SETTLEMENT: "avr",
        K.EFFICIENCY: "eff",
        K.VOLUME_CHANGE: "vol",
    }
    for kind, title, parts in lines:
        for service, kr in parts:
            name = next(s[1] for s in SERVICES if s[0] == service)
            add(
                p(
                    f"is-{prefix[kind]}-{service}",
                    IS,
                    kind,
                    f"{title}: {name}",
                    service=service,
                    description=ILLUSTRATIVE + ": fördelningen av den publicerade summan på tjänster",
                ),
                [(TARGET, T.MANAGEMENT, kr)],
                OK,
            )
    add(
        p(
            "iu-avtal-e-handel",
            U,
            K.SUPPLIER_CONTRACT,
            "Konkurrensutsättning av e-handelssystemet skjuts på framtiden",
            service="e-handel",
            description="Påverkar kostnadsnivån 2026 (belopp illustrativt).",
        ),
        [(TARGET, T.MANAGEMENT, 750_000)],
        OK,
    )


def new_services_and_keys() -> None:
    rejected_2025 = "Avslogs i årlig analys 2025, inga förutsättningar har tillkommit."
    add(
        p(
            "is-ny-grundlaggande-di",
            IS,
            K.NEW_SERVICE,
            "Grundläggande DI: ny tjänst, ompaketering från Stadsnätet",
            service="grundlaggande-di",
            proposed_category=INF,
            description="Ompaketering från Stadsnätet som minskar, dock kostnadsökningar (belopp illustrativt).",
        ),
        [(TARGET, T.MANAGEMENT, 22_000_000)],
        (
            PREP,
            O.APPROVE,
            "Ompaketeringen är i linje med att skapa ordning och reda i den digitala infrastrukturen. "
            "Ok med ompaketering till ny tjänst.",
            None,
            True,
            [],
        ),
    )
    add(
        p(
            "is-ny-automatisering",
            IS,
            K.NEW_SERVICE,
            "Digitalisering med hjälp av automatisering",
            service="automatisering",
            proposed_category=OPT,
            financing=m.Financing.USERS,
            key="k-hybrid-employees",
            description="Ny tjänst digital infrastruktur som är valbar vid behov. Kostnad per år 3,5 mkr. "
            "De som går in "
            "i tjänsten betalar för sina tillämpningar; resterande kostnadsmassa finansieras solidariskt per anställd "
            "till dess att tjänsten är fullt belagd enligt beräknad kapacitet.",
        ),
        [(TARGET, T.MANAGEMENT, 3_500_000)],
        (
            PREP,
            O.APPROVE_WITH_CONDITIONS,
            "Tillstyrks, med tillägg.",
            None,
            True,
            [(m.ConditionKind.OTHER, "Tjänsten byggs upp under 2 år, avstämning i årlig analys för 2027.")],
        ),
    )
    add(
        p(
            "is-ny-hallbarhetsinformation",
            IS,
            K.NEW_SERVICE,
            "Stöd för hållbarhetsinformation som bastjänst",
            service="hallbarhetsinformation",
            proposed_category=B,
            description="Belopp illustrativt.",
        ),
        [(TARGET, T.MANAGEMENT, 200_000)],
        (PREP, O.REJECT, rejected_2025, None, False, []),
    )
    for code, service, kr, comment in [
        (
            "is-kat-medarbetarundersokning",
            "medarbetarundersokning",
            600_000,
            "Det finns inte underlag i form av politiskt beslut, lagstiftning eller dylikt som motiverar att "
            "tilläggstjänsten blir del av bastjänsten. Avslås som bastjänst, föreslås fortsätta som tilläggstjänst. "
            "Annan lösning för avgångsenkäter, dialog pågår.",
        ),
        ("is-kat-kemikaliehantering", "kemikaliehantering", 300_000, rejected_2025),
        ("is-kat-internkontroll", "internkontroll", 300_000, rejected_2025),
    ]:
        name = next(s[1] for s in SERVICES if s[0] == service)
        add(
            p(
                code,
                IS,
                K.RECATEGORISATION,
                f"{name}: från tilläggstjänst till bastjänst",
                service=service,
                proposed_category=B,
                proposed_key="k-employees",
                description="Belopp illustrativt.",
            ),
            [(TARGET, T.MANAGEMENT, kr)],
            (PREP, O.REJECT, comment, None, False, []),
        )
    waiting = "Förslag till fördelningsnyckel avslås i väntan på projekt kring fördelningsnycklar."
    add(
        p(
            "is-nyckel-grundlaggande-di",
            IS,
            K.KEY_CHANGE,
            "Grundläggande DI: fördelning efter antal anställda",
            service="grundlaggande-di",
            proposed_key="k-employees",
        ),
        [],
        (
            PREP,
            O.REJECT,
            "Ingen förändring av fördelningsnyckel 2026 på grund av projekt med fördelningsnycklar.",
            None,
            False,
            [],
        ),
    )
    for service, extra in [("lan", ""), ("telefoni", " Dels att tjänsten inte är helt klarlagd."), ("domino", "")]:
        name = next(s[1] for s in SERVICES if s[0] == service)
        add(
            p(
                f"is-nyckel-{service}",
                IS,
                K.KEY_CHANGE,
                f"{name}: tillämpa 2025 års procentuella fördelning",
                service=service,
                proposed_key="k-frozen-2025",
            ),
            [],
            (PREP, O.REJECT, waiting + extra, None, False, []),
        )
    for service in ["demokrati", "extern-service", "oppna-data"]:
        name = next(s[1] for s in SERVICES if s[0] == service)
        add(
            p(
                f"dms-nyckel-{service}",
                D,
                K.KEY_CHANGE,
                f"{name}: från antal administrativa datorer till antal anställda",
                service=service,
                proposed_key="k-employees",
                description="Uppgiften om antal administrativa datorer kan inte längre erhållas från Intraservice; "
                "samma nyckel som de två övriga leverantörerna.",
            ),
            [],
            (
                PREP,
                O.DEFER,
                "Förslag på förändrade fördelningsnycklar hanteras i ett gemensamt projekt som innefattar "
                "alla tre leverantörerna av digitala tjänster.",
                None,
                False,
                [],
            ),
        )


def initiatives() -> None:
    user_pays = "Ev. framtida förvaltningskostnad finansieras av de som nyttjar tjänsten."
    incurred = (m.ConditionKind.INVOICE_AFTER_INCURRED, "Fakturering sker efter det att kostnaderna är upparbetade.")
    only_2026 = [(TARGET, T.DEVELOPMENT, None)]  # approved: the 2026 development only
    rows = [
        # code, title, {year: kr}, future kr, from, service, key, review
        (
            "is-ai-infrastruktur",
            "Etablera infrastruktur och arbetssätt för AI-tillämpningar",
            {2026: 6_300_000, 2027: 6_300_000},
            3_500_000,
            2028,
            None,
            "k-employees",
            (
                PREP,
                O.APPROVE,
                "2026 års utveckling tillstyrks (ej 2027 års utveckling eller framtida förvaltningskostnad "
                "i nuläget). " + user_pays,
                only_2026,
                False,
                [],
            ),
        ),
        (
            "is-kravkatalog",
            "Etablera tjänst för kravkatalog",
            {2026: 1_200_000},
            1_000_000,
            2027,
            None,
            "k-employees",
            (
                PREP,
                O.APPROVE,
                "2026 års utveckling tillstyrks (ej framtida förvaltningskostnad i nuläget). " + user_pays,
                only_2026,
                False,
                [],
            ),
        ),
        (
            "is-domino-avveckling",
            "Stöd i avveckling av Domino",
            {2026: 1_600_000, 2027: 1_600_000},
            -9_000_000,
            2028,
            "domino",
            "k-computers",
            (PREP, O.APPROVE, "2026 års utveckling tillstyrks.", only_2026, False, []),
        ),
        (
            "is-forstudie-dokumenthantering",
            "Förstudie – dokumenthantering i Office, H: och I:",
            {2026: 900_000},
            None,
            None,
            "office365",
            "k-employees",
            (PREP, O.APPROVE, "2026 års utveckling tillstyrks.", None, False, []),
        ),
        (
            "is-flexibilitet-di",
            "Flexibilitet inom digital infrastruktur",
            {2026: 4_000_000, 2027: 4_000_000, 2028: 4_000_000},
            None,
            None,
            None,
            "k-employees",
            (
                PREP,
                O.APPROVE_WITH_CONDITIONS,
                "Tillstyrks för 2026 med krav på att fakturering sker efter det att kostnaderna är upparbetade.",
                only_2026,
                False,
                [incurred],
            ),
        ),
        (
            "is-it-sakerhet",
            "Satsningar inom IT-säkerhet",
            {2026: 9_000_000},
            None,
            None,
            "it-sakerhet",
            "k-employees",
            (
                PREP,
                O.APPROVE_WITH_CONDITIONS,
                "Tillstyrks för 2026 med krav på att fakturering sker efter det att "
                "kostnaderna är upparbetade samt att insatserna inte får påbörjas innan dialog skett med stadens CISO.",
                only_2026,
                False,
                [
                    incurred,
                    (m.ConditionKind.PREREQUISITE, "Insatserna får inte påbörjas innan dialog skett med stadens CISO."),
                ],
            ),
        ),
        (
            "is-hr-chatbot",
            "Chatbot för HR-frågor",
            {2026: 1_400_000},
            None,
            None,
            "hr-system",
            "k-payslips",
            (
                PREP,
                O.APPROVE,
                "Tillstyrks, medel har beviljats i AI-utlysningen och detta är fortsättningen.",
                None,
                False,
                [],
            ),
            (
                SSG,
                O.REJECT,
                "Strategisk samordningsgrupp följer beredningens förslag men tar bort HR-chatboten.",
                None,
                False,
                [],
            ),
        ),
        (
            "is-tjanstelegitimation",
            "Etablera tjänst för digital tjänstelegitimation",
            {2026: 2_100_000, 2027: 1_200_000},
            1_000_000,
            2028,
            None,
            "k-employees",
            (
                PREP,
                O.REJECT,
                "Avslås, avvakta förstudien som genomförs under 2025 och vad som sker nationellt.",
                None,
                False,
                [],
            ),
        ),
    ]
    add_on = (
        "Tilläggstjänst. Förändringsinsatsen finansieras av de som har behov av tilläggstjänsten – framtida "
        "eventuell tjänst finansieras av de kunder som köper den."
    )
    rows += [
        (
            "is-bestallarstod",
            "Etablera utökat beställarstöd för komplexa leveranser av digital infrastruktur",
            {2026: 2_800_000, 2027: 2_800_000},
            3_000_000,
            2028,
            None,
            "k-employees",
            (PREP, O.APPROVE_AS_ADD_ON, add_on, None, False, []),
        ),
        (
            "is-konsultation",
            "Konsultation – verksamhetsstöd för digitalisering",
            {2026: 900_000},
            1_000_000,
            2027,
            None,
            "k-employees",
            (PREP, O.APPROVE_AS_ADD_ON, add_on, None, False, []),
        ),
        (
            "is-kundunika-o365",
            "Etablera tjänst för drift av kundunika tillämpningar inom Office 365",
            {2026: 1_000_000},
            1_000_000,
            2027,
            None,
            "k-employees",
            (PREP, O.APPROVE_AS_ADD_ON, add_on, None, False, []),
        ),
        (
            "is-hallbarhetsredovisning",
            "Stöd för hållbarhetsredovisning",
            {2026: 1_000_000},
            None,
            None,
            None,
            "k-employees",
            (
                PREP,
                O.APPROVE_AS_ADD_ON,
                "Avslogs i årlig analys 2025, inga förutsättningar har tillkommit. Kan erbjudas som tilläggstjänst.",
                None,
                False,
                [],
            ),
        ),
    ]
    decided = [
        ("is-data-warehouse", "Etablera tjänst för Data warehouse", 4_000_000),
        ("is-application-control", "Etablera application control", 3_200_000),
        (
            "is-nationell-di",
            "Anpassning till nationell digital infrastruktur för mina ärenden och mina ombud",
            2_000_000,
        ),
        ("is-digitala-anstallningsavtal", "Digitala anställningsavtal/överenskommelse om timlön", 750_000),
        ("is-bevarandeplattform", "Utveckling bevarandeplattform", 2_000_000),
        ("is-styrande-dokument", "Tillgängliggöra styrande dokument", 2_000_000),
    ]
    for code, title, years, future, start, service, key, *reviews in rows:
        add(
            p(
                code,
                IS,
                K.CHANGE_INITIATIVE,
                title,
                service=service,
                key=key,
                future_management_cost=future and future * KR,
                future_management_from_year=start,
            ),
            [(y, T.DEVELOPMENT, kr) for y, kr in years.items()],
            *reviews,
        )
    for code, title, kr in decided:
        add(
            p(code, IS, K.CHANGE_INITIATIVE, title, key="k-employees", already_decided=True),
            [(TARGET, T.DEVELOPMENT, kr)],
            (PREP, O.APPROVE, "Pågående, redan beslutad förändringsinsats.", None, False, []),
        )
    add(
        p(
            "iu-forstudie",
            U,
            K.CHANGE_INITIATIVE,
            "Förstudie inför ny bastjänst (egna medel)",
            financing=m.Financing.OWN_FUNDS,
            description="Nämnden har egna medel och genomför förstudien 2025 utan fakturering (belopp illustrativt).",
        ),
        [(2025, T.DEVELOPMENT, 1_500_000)],
        OK,
    )
    add(
        p(
            "iu-ny-bastjanst",
            U,
            K.CHANGE_INITIATIVE,
            "Förändringsinsats som förväntas resultera i en ny bastjänst 2027",
            key="k-employees",
            future_management_cost=5_000_000 * KR,
            future_management_from_year=2027,
            description="Lansering 2027 (framtida förvaltningskostnad illustrativ).",
        ),
        [(TARGET, T.DEVELOPMENT, 6_200_000)],
        (PREP, O.APPROVE, "Rekommendationen gäller utvecklingskostnad för 2026.", None, False, []),
    )


def build() -> m.CycleData:
    orgs, driver_values = organisations_and_drivers()
    mandatory = [o.code for o in orgs if o.kind is not m.OrganisationKind.COMPANY]
    PROPOSALS.clear()  # build() may run more than once in one process (tests)
    management_proposals()
    new_services_and_keys()
    initiatives()

    services, service_years, participation = [], [], []
    for code, name, supplier, category, _key, _cost in SERVICES:
        services.append(m.Service(code, name, supplier, category, DESCRIPTIONS.get(code, "")))
    proposals = [pr for pr, _, _ in PROPOSALS]
    amounts = [m.ProposalAmount(pr.code, y, t, kr * KR) for pr, rows, _ in PROPOSALS for y, t, kr in rows]
    for code, _, _supplier, category, key, cost in SERVICES:
        history = DMS_HISTORY.get(code)
        for year in (2023, 2024) if history else ():
            service_years.append(m.ServiceYear(code, year, key, outcome=history[year - 2023] * KR))
        if cost is not None:
            service_years.append(
                m.ServiceYear(
                    code, BASE, key, cost=cost, development_within_service=history[2] * KR if history else None
                )
            )
        # the supplier's proposal for the target year: the base-year cost plus its proposals' management
        proposed = (cost or 0) + sum(
            proposal_management(
                [(a.year, a.type, a.amount) for a in amounts if a.proposal == pr.code],
                pr.future_management_cost,
                pr.future_management_from_year,
                TARGET,
            )
            for pr in proposals
            if pr.service == code and pr.kind not in (K.RECATEGORISATION, K.KEY_CHANGE)
        )
        service_years.append(
            m.ServiceYear(
                code, TARGET, key, cost=proposed, development_within_service=history[3] * KR if history else None
            )
        )
        if category in (B, INF):
            members = mandatory + (["framtiden", "energi"] if code in ("office365", "it-sakerhet", "e-handel") else [])
            start = TARGET if cost is None else 2023  # new services start in the target year
            participation += [m.Participation(code, org, start) for org in members]
            if code == "kontaktcenter":  # DMS' dialogue on companies joining its base services (2026, illustrative)
                participation += [m.Participation(code, org, TARGET) for org in ("higab", "hamn")]
        if category is OPT:
            participation += [m.Participation(code, org, TARGET) for org in mandatory]

    subscriptions = []
    for code, price, buyers in [
        ("medarbetarundersokning", 25_000, {"forskola": 6, "grundskola": 8, "aldre-vard-omsorg": 6, "kultur": 4}),
        ("kemikaliehantering", 15_000, {"stadsmiljo": 8, "miljo": 6, "lokal": 6}),
        ("internkontroll", 20_000, {"stadsledning": 5, "fastighet": 5, "framtiden": 5}),
        ("kundtjanst", 400_000, {"social-nordost": 4, "aldre-vard-omsorg": 4, "forskola": 2}),
    ]:
        for year in (BASE, TARGET):
            for org, qty in buyers.items():
                # 2026: one fewer subscription at Kultur shows an under-recovery (illustrative)
                q = qty - 1 if (year == TARGET and org == "kultur") else qty
                subscriptions.append(m.Subscription(code, org, year, Decimal(q), price * KR))
    for org, qty in {"grundskola": 2, "aldre-vard-omsorg": 2, "stadsmiljo": 1, "intraservice": 1}.items():
        subscriptions.append(m.Subscription("automatisering", org, TARGET, Decimal(qty), 150_000 * KR))

    stadsnat_shares = [
        m.KeyShare("k-stadsnat", org, Decimal(20 + (7 * i) % 45) + Decimal("0.5") * (i % 2))
        for i, org in enumerate(sorted(mandatory))
    ]
    # What Telefoni actually invoiced in 2025 (kept so the frozen key can repeat it): computed once from
    # the 2025 driver values, as the invoicing did — see tests/test_demo.py.
    reviews, review_amounts, conditions = [], [], []
    for pr, rows, revs in PROPOSALS:
        for stage, outcome, comment, approved, future_ok, conds in revs:
            reviews.append(m.Review(pr.code, stage, outcome, future_ok, comment))
            if approved:
                for year, t, _ in approved:
                    kr = next(a for y, tt, a in rows if y == year and tt == t)
                    review_amounts.append(m.ReviewAmount(pr.code, stage, year, t, kr * KR))
            conditions += [m.ReviewCondition(pr.code, stage, kind, text) for kind, text in conds]
    data = m.CycleData(
        cycle=m.Cycle(
            "goteborg-2026",
            "Göteborgs Stad – årlig analys och budget 2026",
            TARGET,
            BASE,
            Decimal("0.03"),
            first_year=2023,
            last_year=2030,
            current_stage=SSG,
            note="Demo: publicerade belopp ur årlig analys 2026 och strategisk samordningsgrupps underlag; "
            "organisationer, drivarvärden och fördelning på tjänster är illustrativa.",
        ),
        organisations=tuple(orgs),
        drivers=(
            m.Driver("admin_computers", "Antal administrativa datorer", "st"),
            m.Driver("employees", "Antal anställda", "st"),
            m.Driver("payslips", "Antal lönespecifikationer", "st/år"),
        ),
        driver_values=tuple(driver_values),
        keys=tuple(KEYS),
        key_shares=tuple(stadsnat_shares),
        services=tuple(services),
        service_years=tuple(service_years),
        participation=tuple(participation),
        subscriptions=tuple(subscriptions),
        review_stages=(
            m.ReviewStage("preparation", "Beredning (SLK)", 1),
            m.ReviewStage("coordination_group", "Strategisk samordningsgrupp", 2),
            m.ReviewStage("council", "Kommunfullmäktige", 3),
        ),
        proposals=tuple(proposals),
        proposal_amounts=tuple(amounts),
        reviews=tuple(reviews),
        review_amounts=tuple(review_amounts),
        review_conditions=tuple(conditions),
        scenarios=(
            m.Scenario("proposed", "Scenario 3 – allt som föreslås", m.ScenarioKind.ALL_PROPOSED),
            m.Scenario("preparation", "Beredningens förslag", m.ScenarioKind.STAGE, stage="preparation"),
            m.Scenario(
                "coordination_group",
                "Strategisk samordningsgrupps rekommendation",
                m.ScenarioKind.STAGE,
                stage="coordination_group",
            ),
            m.Scenario(
                "utan-nya-insatser",
                "Endast befintlig leverans och beslutade insatser",
                m.ScenarioKind.EXPLICIT,
                description=ILLUSTRATIVE,
            ),
        ),
        scenario_proposals=tuple(
            m.ScenarioProposal("utan-nya-insatser", pr.code)
            for pr in proposals
            if pr.kind
            in (K.DEVELOPMENT_WITHIN_SERVICE, K.SUPPLIER_CONTRACT, K.SETTLEMENT, K.EFFICIENCY, K.VOLUME_CHANGE)
            or pr.already_decided
        ),
        budget_lines=(
            m.BudgetLine(
                IS,
                BASE,
                m.BudgetLineKind.CHANGE_INITIATIVES,
                27_100_000 * KR,
                "Förändringsinsatser 2025 enligt beslutad budget (seeds/000…: 46,2 − 19,1)",
            ),
        ),
    )
    return with_invoicing(with_telefoni_history(data))


def with_invoicing(data: m.CycleData) -> m.CycleData:
    """Illustrative invoicing inputs: costs incurred per quarter 2026 by the two initiatives approved
    "invoice after incurred" (IT security more than approved, so the cap shows; DI flexibility
    less, so the rest is never charged), 25 % VAT on every category for companies, one dispens."""
    from dataclasses import replace

    Q = m.Period
    incurred = [
        ("is-flexibilitet-di", Q.Q1, 600_000),
        ("is-flexibilitet-di", Q.Q2, 900_000),
        ("is-flexibilitet-di", Q.Q3, 1_100_000),
        ("is-flexibilitet-di", Q.Q4, 800_000),
        ("is-it-sakerhet", Q.Q1, 1_500_000),
        ("is-it-sakerhet", Q.Q2, 2_500_000),
        ("is-it-sakerhet", Q.Q3, 3_000_000),
        ("is-it-sakerhet", Q.Q4, 2_800_000),
    ]
    return replace(
        data,
        incurred_costs=tuple(m.IncurredCost(code, TARGET, q, kr * KR, ILLUSTRATIVE) for code, q, kr in incurred),
        vat_rules=tuple(m.VatRule(m.OrganisationKind.COMPANY, c, Decimal("0.25")) for c in m.ServiceCategory),
        exemptions=(
            m.Exemption(
                "e-arkiv",
                "stadsbyggnad",
                TARGET,
                Q.Q3,
                Q.Q4,
                "illustrativ: dispens under byte av ärendesystem med eget arkiv",
            ),
        ),
    )


def with_telefoni_history(data: m.CycleData) -> m.CycleData:
    from dataclasses import replace

    from fordela.engine.allocate import allocate

    lines = [ln for ln in allocate(data, BASE).lines if ln.object == "telefoni"]
    history = tuple(m.AllocationHistory("telefoni", ln.organisation, BASE, ln.amount) for ln in lines)
    return replace(data, allocation_history=history)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "src/fordela/demo/goteborg-2026")
    write_package(build(), target)
    print(f"wrote {target}")
