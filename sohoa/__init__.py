"""Composition: settings, database, jobs, API and CLI over the domain packages."""

__version__ = "0.1.0"
