"""Organisations, their driver values and the distribution keys: all ILLUSTRATIVE (the seeds name
only the three suppliers and some administrations)."""

from __future__ import annotations

from decimal import Decimal

from demo_cycle.common import BASE, ILLUSTRATIVE, YEARS
from fordela.engine import model as m

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
            values.append(m.DriverValue("employees", code, year, staff, ILLUSTRATIVE))
            values.append(
                m.DriverValue("admin_computers", code, year, _round(staff * Decimal(computers)), ILLUSTRATIVE)
            )
            values.append(m.DriverValue("payslips", code, year, _round(staff * Decimal("13.4")), ILLUSTRATIVE))
    return orgs, values


# Keys: the three driver keys, the 2025 frozen split and the hybrid key of automatisering are named in
# seeds/000…; the other three are ILLUSTRATIVE (they give the demo a key of every method).
KEYS = [
    m.DistributionKey("k-employees", "Antal anställda", m.KeyMethod.DRIVER, driver="employees"),
    m.DistributionKey("k-computers", "Antal administrativa datorer", m.KeyMethod.DRIVER, driver="admin_computers"),
    m.DistributionKey("k-payslips", "Antal lönespecifikationer", m.KeyMethod.DRIVER, driver="payslips"),
    m.DistributionKey("k-equal", "Lika delar", m.KeyMethod.EQUAL, note=ILLUSTRATIVE),
    m.DistributionKey(
        "k-frozen-2025", "Tillämpa 2025 års procentuella fördelning", m.KeyMethod.FROZEN, frozen_year=2025
    ),
    m.DistributionKey("k-stadsnat", "Anslutningspunkter i stadsnätet", m.KeyMethod.FIXED, note=ILLUSTRATIVE),
    m.DistributionKey("k-subscription", "Abonnemang (antal × pris)", m.KeyMethod.SUBSCRIPTION, note=ILLUSTRATIVE),
    m.DistributionKey(
        "k-hybrid-employees",
        "Abonnemang, resten solidariskt per anställd",
        m.KeyMethod.HYBRID,
        solidarity_driver="employees",
    ),
]
