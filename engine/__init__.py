"""gongkai engine: the pure core (rules, facts, decisions). No web or database imports here."""

from engine.version import __version__

__all__ = ["__version__"]
