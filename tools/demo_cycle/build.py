"""The whole demo cycle from its parts, plus the illustrative invoicing inputs and history."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from demo_cycle.common import BASE, ILLUSTRATIVE, INF, IS, KR, OPT, PROPOSALS, SSG, TARGET, B
from demo_cycle.initiatives import initiatives
from demo_cycle.organisations import KEYS, organisations_and_drivers
from demo_cycle.proposals import management_proposals, new_services_and_keys
from demo_cycle.services import DESCRIPTIONS, DMS_HISTORY, REPACKAGED_FROM, SERVICES, TARGET_KEYS
from demo_cycle.texts import analysis_texts
from fordela.engine import model as m
from fordela.engine.amounts import proposal_management
from fordela.engine.model import ProposalKind as K

SPLIT = ILLUSTRATIVE + ": fördelningen av den publicerade summan på tjänster"


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
            service_years.append(m.ServiceYear(code, year, key, outcome=history[year - 2023] * KR, note=SPLIT))
        if cost is not None:
            service_years.append(
                m.ServiceYear(
                    code,
                    BASE,
                    key,
                    cost=cost,
                    development_within_service=history[2] * KR if history else None,
                    note=SPLIT,
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
                code,
                TARGET,
                TARGET_KEYS.get(code, key),
                cost=proposed,
                development_within_service=history[3] * KR if history else None,
                note=SPLIT,
            )
        )
        if category in (B, INF):
            members = mandatory + (["framtiden", "energi"] if code in ("office365", "it-sakerhet", "e-handel") else [])
            start = TARGET if cost is None else 2023  # new services start in the target year
            participation += [m.Participation(code, org, start, note=ILLUSTRATIVE) for org in members]
            if code == "kontaktcenter":  # DMS' dialogue on companies joining its base services (2026, illustrative)
                participation += [m.Participation(code, org, TARGET, note=ILLUSTRATIVE) for org in ("higab", "hamn")]
        if category is OPT:
            participation += [m.Participation(code, org, TARGET, note=ILLUSTRATIVE) for org in mandatory]

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
                subscriptions.append(m.Subscription(code, org, year, Decimal(q), price * KR, ILLUSTRATIVE))
    for org, qty in {"grundskola": 2, "aldre-vard-omsorg": 2, "stadsmiljo": 1, "intraservice": 1}.items():
        subscriptions.append(m.Subscription("automatisering", org, TARGET, Decimal(qty), 150_000 * KR, ILLUSTRATIVE))

    stadsnat_shares = [
        m.KeyShare("k-stadsnat", org, Decimal(20 + (7 * i) % 45) + Decimal("0.5") * (i % 2), ILLUSTRATIVE)
        for i, org in enumerate(sorted(mandatory))
    ]
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
        # The 2025 change initiatives are not in the catalogue: BACK-SOLVED from seeds/000… "Förändringsinsatser
        # 2026, alla tre scenarios 46,2 … ökning 19,1", so 2025 = 46,2 − 19,1 = 27,1 mkr.
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
    return replace(with_invoicing(with_frozen_history(data)), analysis_texts=tuple(analysis_texts()))


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
        vat_rules=tuple(
            m.VatRule(m.OrganisationKind.COMPANY, c, Decimal("0.25"), ILLUSTRATIVE) for c in m.ServiceCategory
        ),
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


def with_frozen_history(data: m.CycleData) -> m.CycleData:
    """What Telefoni actually invoiced in 2025 (kept so the frozen key can repeat it), and Grundläggande
    DI's "2025 split": Stadsnätet's 2025 allocation, from which it was repackaged (seeds/000…: "Ny tjänst,
    ompaketering från Stadsnätet"; the reading is in services.TARGET_KEYS). Both computed once from the
    2025 inputs, as the invoicing did."""
    from dataclasses import replace

    from fordela.engine.allocate import allocate

    lines = allocate(data, BASE).lines
    history = [
        m.AllocationHistory("telefoni", ln.organisation, BASE, ln.amount, ILLUSTRATIVE)
        for ln in lines
        if ln.object == "telefoni"
    ]
    for service, source in REPACKAGED_FROM.items():
        history += [
            m.AllocationHistory(
                service, ln.organisation, BASE, ln.amount, f"{ILLUSTRATIVE}: {source} {BASE}, ompaketerad"
            )
            for ln in lines
            if ln.object == source
        ]
    return replace(data, allocation_history=tuple(history))
