"""What a person reads on a screen, checked for words meant for programs (issue 29, item 5).

A Vietnamese page must show no raw code (a status such as ``STORED``, a history kind
such as ``OPENED``, an actor such as ``staff:canbo.bt``, a snake_case key, an ISO or
UTC time) and no English word. Text is what the page shows and what assistive
technology reads: text nodes, ``title``, ``aria-label``, ``placeholder`` and ``alt``;
scripts, styles and what a template marks technical on purpose (``data-technical``:
the details a person must open, a setting's name on an administrator's screen) are
left out, as are inputs' values (what the person typed).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: English words that are not also Vietnamese words written without their marks (so no
#: "an", "do", "in", "to", "can", "the", "ban", "tin"): each is a sure sign of English.
_ENGLISH_WORDS = """
    about accepted access account action active added and archive archived are available
    back by cancel certificate certified change changed chosen click code completed
    confirm copy created date delete details digitised digitized disabled document
    documents done download dossier dossiers due edit empty enabled error example
    expired export failed false field file files filed for found from help here history
    home invalid issued items language last list loading login logout missing more name
    new next none not note null number of open opened or owner page pages passed
    password pending please previous print procedure processing public queued reason
    received record records refused rejected request required result results retention
    review reviewed revoked running save saved scan scanned search select sent share
    shared signature signatures signed size status step stored submit success summary
    this title today total true type unknown upload user username valid value verified
    version view waiting warning when with yes your
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())

#: Words of the product and of the trade that are the same in Vietnamese text.
ALLOWED = frozenset({"sohoa", "pdf", "pdf/a", "ocr", "qr", "pades", "sha-256", "url", "email",
                     "vneid", "htmx", "csv", "json", "xml", "mets", "premis", "bagit"})

RAW_CODES = [
    (re.compile(r"\b(?:staff|public|citizen|archivist|admin|system|organisation|"
                r"organization):[\w.@-]+"), "an actor as the program names it"),
    (re.compile(r"\b[a-z]+_[a-z_]+\b"), "a snake_case key"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?"), "an ISO date (dd/mm/yyyy expected)"),
    (re.compile(r"\bUTC\b|[+-]00:00\b|\d{2}:\d{2}(?::\d{2})?Z\b"), "a UTC time"),
    (re.compile(r"\bREGULATIONS\b"), "a reference to our own documents"),
    (re.compile(r"\b(?:[A-Z]{2,}_)*(?:RECEIVED|PROCESSING|SUPPLEMENT|PARKED|RETURNED|COMPLETED|"
                r"SCANNED|EXTRACTED|CODED|STORED|OPENED|COMPONENT|STATUS|AMENDED|OPINION|"
                r"REUSED|RESULT|REVOKED|SKIPPED|SCAN_SKIPPED|PASSED|FAILED|PENDING|MANUAL|"
                r"VAULT|SCAN|DOCUMENT|UNKNOWN)\b"), "a status or kind in capitals"),
]

_SKIPPED_TAGS = {"script", "style", "textarea"}
_READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _SKIPPED_TAGS or "data-technical" in values:
            self._skipping.append(tag)
        if not self._skipping:
            self.parts += [values[a] or "" for a in _READ_ATTRIBUTES if values.get(a)]

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def wording_problems(html: str, *, vietnamese: bool) -> list[str]:
    """Raw codes anywhere; English words too on a Vietnamese page."""
    text = shown_text(html)
    problems = [f"{why}: {match.group(0)!r} in …{text[max(0, match.start() - 40):match.end() + 40]}…"
                for pattern, why in RAW_CODES for match in pattern.finditer(text)]
    if vietnamese:
        for word in re.findall(r"[A-Za-z][A-Za-z/-]*", text):
            if word.lower() in ENGLISH and word.lower() not in ALLOWED:
                at = text.find(word)
                problems.append(f"an English word: {word!r} in …{text[max(0, at - 40):at + 40]}…")
    return sorted(set(problems))
