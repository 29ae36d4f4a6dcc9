"""The service catalogue and each service's cost: the suppliers' published totals, split into
services ILLUSTRATIVELY (see the figures each value reproduces below)."""

from __future__ import annotations

from demo_cycle.common import INF, IS, MSEK, OPT, A, B, D, U

# code, name, supplier, category, key, cost 2025 (öre). Which service costs what is ILLUSTRATIVE; the
# sums per supplier are the published figures:
# - Intraservice, base services and infrastructure: Σ = 1 091,6 mkr, seeds/000… "Förvaltningskostnad
#   bastjänster och tjänster inom digital infrastruktur enligt beslutad budget 2025 1 091,6". The
#   eleven round figures are chosen; Servicedesk is BACK-SOLVED as the rest: 1 091,6 − 1 032,0 = 59,6.
# - Intraservice add-ons (0,6 + 0,3 + 0,3 mkr) and DMS' Kundtjänst (4 mkr): outside the published
#   totals, wholly illustrative (they only give the subscription key something to recover).
# - DMS: Σ = 86,9 mkr, seeds/004… "budget 2025 86 900 000" (and seeds/000… frame 86 900 000 kr +
#   index); the split 9,8 + 30,5 + 41,2 + 5,4 is chosen, Öppna data BACK-SOLVED as the rest.
# - Inköp och upphandling: 20 + 13 = 33,0 mkr chosen so that with the supplier-contract proposal
#   iu-avtal-e-handel (0,75 mkr) the 2026 frame is seeds/000… "33 750 000 kr + index".
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
    # back-solved: 1 091,6 (seeds/000…) − the eleven services above (1 032,0) = 59,6 mkr
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
    # back-solved: 86,9 (seeds/004…) − 9,8 − 30,5 − 41,2 = 5,4 mkr
    ("oppna-data", "Öppna data", D, B, "k-computers", 54 * MSEK // 10),
    ("kundtjanst", "Verksamhetsanpassad kundtjänst", D, A, "k-subscription", 4 * MSEK),
    ("e-handel", "E-handelssystem", U, B, "k-employees", 20 * MSEK),
    ("upphandlingsstod", "Upphandlingsstöd och avtalskatalog", U, B, "k-employees", 13 * MSEK),
]
# Services the seeds do not name: the catalogue needs somewhere for Intraservice's published total to go.
INVENTED = ("datacenter", "e-arkiv", "ekonomisystem", "hr-system", "servicedesk", "upphandlingsstod")
DESCRIPTIONS = {
    **{code: "Illustrativ tjänst: finns inte i underlagen." for code in INVENTED},
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
# 9 470 000 development within service, proposal 2026 86 900 000 of which 6 838 800. Per service
# ILLUSTRATIVE; each column sums to the published figure (Öppna data's value is the rest):
# 2023 8 300 000 + 26 000 000 + 35 000 000 + 4 670 000 = 73 970 000; 2024 … = 78 675 000;
# dev within 2025 … = 9 470 000; dev within 2026 1 000 000 + 3 038 800 + 2 400 000 + 400 000 = 6 838 800
# (Extern service takes the odd 38 800).
DMS_HISTORY = {  # service: (outcome 2023, outcome 2024, dev within 2025, dev within 2026) in kr
    "demokrati": (8_300_000, 8_900_000, 1_400_000, 1_000_000),
    "extern-service": (26_000_000, 27_800_000, 4_200_000, 3_038_800),
    "kontaktcenter": (35_000_000, 37_200_000, 3_300_000, 2_400_000),
    "oppna-data": (4_670_000, 4_775_000, 570_000, 400_000),
}
# The 2026 key where it differs from the 2025 key: seeds/000… "Tillämpa 2025 års (procentuella) fördelning av
# kostnader" for the four services whose key proposals the preparation rejected (see proposals.py). Grundläggande
# DI is new in 2026, repackaged from Stadsnätet: its "2025 split" is Stadsnätet's 2025 split, recorded as its
# allocation history for 2025 (build.with_frozen_history), which the frozen key repeats.
TARGET_KEYS = {code: "k-frozen-2025" for code in ("grundlaggande-di", "lan", "telefoni", "domino")}
REPACKAGED_FROM = {"grundlaggande-di": "stadsnat"}
