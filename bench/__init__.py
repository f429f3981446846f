"""`make bench`: newborn submissions over HTTP against PostgreSQL, beside a trivial one-row insert.

This package is also a tiny Django app (the insert endpoint's table), installed only by bench.settings.
"""
