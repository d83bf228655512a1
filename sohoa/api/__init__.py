"""The HTTP API (FastAPI): thin routes over the same services the CLI uses."""

from .app import create_app

__all__ = ["create_app"]
