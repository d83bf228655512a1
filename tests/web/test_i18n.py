"""Vietnamese by default, English on the switch; the English catalogue covers every screen."""

from __future__ import annotations

from pathlib import Path

import httpx
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.web.conftest import Site, form_log_in

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "sohoa/web/locale/en/LC_MESSAGES/messages.po"


def _source_messages() -> set[str]:
    """What ``make messages`` extracts: every _() in the web package and its templates."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={"_": None, "gettext": None,
                                                            "ngettext": (1, 2), "N_": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_on_the_screens_has_an_english_translation() -> None:
    with open(CATALOGUE, "rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0]  # a plural: its singular
                  for m in catalogue if m.id and (all(m.string) if isinstance(m.string, tuple)
                                                  else m.string)}
    messages = _source_messages()
    assert len(messages) > 300  # the extraction found the screens
    missing = sorted(messages - translated)
    assert not missing, f"run `make messages` and translate: {missing[:20]}"


def test_vietnamese_by_default_and_english_on_the_switch(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        page = client.get("/login")
        assert '<html lang="vi">' in page.text and "Tên đăng nhập" in page.text
        client.post("/language", data={"language": "en", "next": "/login"})
        page = client.get("/login")
        assert '<html lang="en">' in page.text
        assert "Username" in page.text and "Tên đăng nhập" not in page.text
        form_log_in(client, "congdan")
        vault = client.get("/vault")
        assert "My vault" in vault.text and "Access log" in vault.text
        client.post("/language", data={"language": "vi", "next": "/vault"})
        assert "Kho dữ liệu của tôi" in client.get("/vault").text
        # An unknown language changes nothing; an outside "next" is not followed.
        moved = client.post("/language", data={"language": "xx", "next": "https://evil.example"})
        assert moved.headers["location"] == "/"
        assert "Kho dữ liệu của tôi" in client.get("/vault").text
