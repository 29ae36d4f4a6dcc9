"""No float touches money: src/ is scanned for float(), round() and true division of amounts.

Money is int öre inside and Decimal at the edges; every figure a person reads comes from
fordela.engine.money.display of the exact öre. A float is allowed only where it is not money —
the position of a mark on a chart axis, a percentage cell of a workbook — or where it provably
holds an exact integer (the engine's float64 split). Each such spot is listed below with why;
anything else found fails the test, so a new float on money is a conscious, reviewed decision.
"""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

SRC = ROOT / "src" / "fordela"

# (path under src/fordela, enclosing function or "*" for the whole module) → why a float is fine.
ALLOWED = {
    ("web/charts.py", "_mkr"): "the position of a mark on the axis; tooltips are money.display strings",
    ("web/charts.py", "_kr"): "the position of a mark on the axis; tooltips are money.display strings",
    ("documents/charts.py", "position"): "the length of a bar in the PNG; every label is money.display",
    ("documents/deck.py", "<module>"): "the slide's size: millimetres to inches, not money",
    ("documents/deck.py", "title_size"): "a font size from the title's length, not money",
    ("documents/deck.py", "picture_slide"): "a picture's place on the slide, not money",
    ("documents/pdf.py", "table"): "a column's share of the page width, not money",
    ("package/workbook.py", "_exact_float"): "a workbook number cell, only when it reads back as the exact Decimal",
    ("package/tabular.py", "_xlsx_cell"): "a Fraction cell is a ratio (a percentage); amounts are written as Decimal",
    ("jobs/queue.py", "renew"): "a third of the lease in seconds, not money",
    ("engine/parse.py", "parse_percent"): "Decimal / 100: a typed percentage to a fraction, exact",
}

# A division is suspect when one side looks like an amount (or is a number: öre / 100_000_000).
MONEYISH = re.compile(r"ore|öre|amount|cost|total|budget|price|sum|level|change|base|msek|mkr|tkr|unit|kr\b", re.I)
EXACT = {"Decimal", "Fraction"}


def _is_exact(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in EXACT


def _suspect(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("float", "round"):
        return f"{node.func.id}()"
    if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Div):
        sides = (node.left, node.right) if isinstance(node, ast.BinOp) else (node.target, node.value)
        if any(isinstance(s, ast.Constant) and isinstance(s.value, str) for s in sides):
            return None  # a Path joined with a name
        if any(_is_exact(s) for s in sides):
            return None  # Decimal / Fraction arithmetic is exact
        number = any(isinstance(s, ast.Constant) and type(s.value) in (int, float) for s in sides)
        if number or any(MONEYISH.search(ast.unparse(s)) for s in sides):
            return "/"
    return None


def float_spots(source: str) -> list[tuple[int, str, str]]:
    """(line, enclosing function, what) for every suspect float on money in `source`."""
    tree = ast.parse(source)
    found: list[tuple[int, str, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if what := _suspect(node):
            found.append((getattr(node, "lineno", 0), function, what))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_the_scan_finds_floats_on_money():
    spots = float_spots(
        "def f(ore, amount):\n"
        "    a = ore / 100_000_000\n"
        "    b = round(amount, 1)\n"
        "    c = float(ore)\n"
        "    d = Decimal(ore) / 100\n"
        "    e = Path(x) / 'name'\n"
        "    amount /= 100\n"
    )
    assert [(line, what) for line, _, what in spots] == [(2, "/"), (3, "round()"), (4, "float()"), (7, "/")]


def test_no_float_touches_money_outside_the_allow_list():
    problems = []
    used = set()
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = path.relative_to(SRC).as_posix()
        for line, function, what in float_spots(path.read_text(encoding="utf-8")):
            for key in ((name, "*"), (name, function)):
                if key in ALLOWED:
                    used.add(key)
                    break
            else:
                problems.append(f"src/fordela/{name}:{line} in {function}: {what}")
    assert not problems, "float arithmetic on money (use int öre, Decimal or money.display):\n" + "\n".join(problems)
    # An entry that no longer matches anything is a stale licence for a future float.
    assert used == set(ALLOWED), set(ALLOWED) - used
