"""The interactive API documentation (Swagger UI), under a policy of its own.

FastAPI's page loads Swagger UI from a CDN and starts it with one inline script.
Rather than weaken every page's policy, this page allows exactly that: the CDN's
files, and the one inline script by its SHA-256, no other inline script (Swagger UI
sets inline styles, which are allowed here).
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
CDN = "https://cdn.jsdelivr.net"
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    page = get_swagger_ui_html(openapi_url="/openapi.json", title="sohoa — API")
    html = bytes(page.body).decode()
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in _INLINE.findall(html))
    policy = (f"default-src 'self'; script-src {CDN} {hashes}; style-src {CDN} 'unsafe-inline'; "
              f"img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; "
              f"base-uri 'none'; frame-ancestors 'self'")
    return HTMLResponse(html, headers={"Content-Security-Policy": policy})
