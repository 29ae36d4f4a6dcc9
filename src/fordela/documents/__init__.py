"""Documents made from a cycle: the workbook, the annual analysis, the coordination deck, the PDF.

No Django here: every document takes `CycleData` and the chosen scenarios, and every figure
comes from `fordela.reports` tables, so documents, CLI and web show the same data.
"""
