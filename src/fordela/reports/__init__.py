"""Reports: the engine's results as titled tables, shared by the CLI, the web and documents.

No Django here. A report is data (`Table`); `render` turns it into Swedish display text or
machine CSV/JSON.
"""
