"""The cycle package: the exchange format (CSV folder, .xlsx workbook, .zip) and its validation.

No Django here: packages are read into ``fordela.engine.model.CycleData`` and written from it.
"""
