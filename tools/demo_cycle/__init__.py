"""Build the demo cycle package `goteborg-2026` from the seed documents.

The published figures (seeds/000…, seeds/004…) are typed in the modules here exactly as the
documents give them. Where the seeds give no detail — which administrations and companies exist, their driver
values, how a published total splits into services and proposals — the values are ILLUSTRATIVE
(marked so in the package's `note` columns and descriptions), chosen to add up exactly to the
published figures; a value that is the rest of a published total (back-solved) says next to it
which figure it reproduces and how. A test (tests/test_demo_package.py) checks that every row not
from the seeds says "illustrativ". Run `make demo-package` after editing; the package in src/fordela/demo/ is
what ships and what the tests read.
"""
