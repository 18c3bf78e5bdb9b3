"""Benchmarks: ``python -m benchmarks.run SUITE`` prints JSON figures (medians of several runs)."""
