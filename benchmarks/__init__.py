"""Benchmarks for OpenPMO, run by ``make bench`` (``python -m benchmarks``).

Each ``bench_*.py`` module in this folder has a ``run()`` function that measures one thing beside a
baseline measured in the same run and prints the figures and the ratio: these machines are shared
and noisy, so a ratio says more than a time. ``python -m benchmarks NAME`` runs the modules whose
name contains NAME.
"""
