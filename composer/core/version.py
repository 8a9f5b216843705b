"""Placard's version, in one place (the package, reports, metadata and cache keys read it)."""

__version__ = "0.1.0"
