"""parktrack: a git-backed tracker for the Wuding County 2024 park-economy action plan."""

__version__ = "0.1.0"
