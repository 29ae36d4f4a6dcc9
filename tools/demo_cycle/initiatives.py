"""The change initiatives 2026 and their reviews (seeds/000…)."""

from __future__ import annotations

from demo_cycle.common import IS, KR, OK, PREP, SSG, TARGET, U, add, p
from fordela.engine import model as m
from fordela.engine.model import AmountType as T
from fordela.engine.model import ProposalKind as K
from fordela.engine.model import ReviewOutcome as O


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
