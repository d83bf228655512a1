"""Every (method, path) an app serves, walking into the routers it includes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield from ((m, prefix + route.path) for m in route.methods if m != "HEAD")
            elif hasattr(route, "original_router"):  # FastAPI's included routers
                yield from walk(route.original_router.routes,
                                prefix + route.include_context.prefix)

    return set(walk(app.routes, ""))
