"""The management proposals (bridge lines) and the new services and key changes of the annual
analysis 2026 (seeds/000…), with their reviews."""

from __future__ import annotations

from demo_cycle.common import ILLUSTRATIVE, INF, IS, OK, OPT, PREP, TARGET, B, D, U, add, p
from demo_cycle.services import SERVICES
from fordela.engine import model as m
from fordela.engine.model import AmountType as T
from fordela.engine.model import ProposalKind as K
from fordela.engine.model import ReviewOutcome as O


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
        ),  # Σ 60,2 mkr = seeds/000… "Påverkan … av utveckling inom tjänst 60,2"; split on services illustrative
        (
            K.SUPPLIER_CONTRACT,
            "Leverantörsavtal",
            [("office365", 18_500_000), ("hr-system", 6_800_000), ("ekonomisystem", 4_800_000)],
        ),  # Σ 30,1 = seeds/000… "… på grund av leverantörsavtal 30,1"; split illustrative
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
        ),  # Σ −66,1 = seeds/000… "Avräkning genomförd utveckling 2025 -66,1"; split illustrative
        (
            K.EFFICIENCY,
            "Effektivisering",
            [("datacenter", -6_400_000), ("servicedesk", -4_000_000), ("it-arbetsplats", -5_000_000)],
        ),  # Σ −15,4 = seeds/000… "Effektiviseringsinsatser -15,4"; split illustrative
        (
            K.VOLUME_CHANGE,
            "Ökade volymer",
            [("it-arbetsplats", 4_500_000), ("office365", 3_600_000), ("servicedesk", 2_000_000)],
        ),  # Σ 10,1 = seeds/000… "… på grund av ökade volymer 10,1"; split illustrative
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
    # The new services reproduce seeds/000… "Påverkan på förvaltningskostnad för leverans av nya tjänster
    # och erbjudanden 26,9" (everything proposed) and 25,5 (the preparation's recommendation). Published:
    # automatisering 3,5 mkr per year; the recategorised add-ons (0,6 + 0,3 + 0,3) and hållbarhetsinformation
    # (0,2) are illustrative; Grundläggande DI is BACK-SOLVED as the rest: 26,9 − 3,5 − 0,2 − 1,2 = 22,0.
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
        [(TARGET, T.MANAGEMENT, 22_000_000)],  # back-solved: 26,9 − the other new services (4,9), see above
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
    # seeds/000… "Förändrade fördelningsnycklar": for Grundläggande DI, LAN, Telefoni and Domino the annual
    # analysis proposed "Ny fördelningsnyckel"; SLK's comment "Tillämpa 2025 års (procentuella) fördelning av
    # kostnader" and its proposal "Förslag till fördelningsnyckel avslås i väntan på projekt kring
    # fördelningsnycklar". READING: the supplier proposed a new key (the seed names it only for Grundläggande
    # DI: "fördelningsnyckeln antal anställda"); the preparation rejected it, and 2026 repeats 2025's
    # percentage split — that is the services' 2026 key in the catalogue (TARGET_KEYS in services.py), so
    # the decided bills follow it and only "everything proposed" applies the new key.
    # The deck's "SLK kommentar" ("Tillämpa 2025 års …") is the coordination group's text per proposal
    # (texts.SLK_COMMENTS); the review's comment is its "SLK's förslag 2026".
    waiting = "Förslag till fördelningsnyckel avslås i väntan på projekt kring fördelningsnycklar."
    add(
        p(
            "is-nyckel-grundlaggande-di",
            IS,
            K.KEY_CHANGE,
            "Grundläggande DI: ny fördelningsnyckel, antal anställda",
            service="grundlaggande-di",
            proposed_key="k-employees",
            description="Ny fördelningsnyckel: antal anställda (seeds/000…).",
        ),
        [],
        (
            PREP,
            O.REJECT,
            "Ok med ompaketering till ny tjänst, dock avslås förändring till fördelningsnyckeln antal anställda.",
            None,
            False,
            [],
        ),
    )
    # Which new key LAN, Telefoni and Domino proposed the seed does not say: ILLUSTRATIVE (a key other than
    # the service's 2025 key).
    for service, key, extra in [
        ("lan", "k-employees", ""),
        ("telefoni", "k-computers", " Dels att tjänsten inte är helt klarlagd."),
        ("domino", "k-employees", ""),
    ]:
        name = next(s[1] for s in SERVICES if s[0] == service)
        add(
            p(
                f"is-nyckel-{service}",
                IS,
                K.KEY_CHANGE,
                f"{name}: ny fördelningsnyckel",
                service=service,
                proposed_key=key,
                description="Underlaget anger inte vilken ny nyckel som föreslogs; nyckeln är vald för demon.",
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
