"""A counter node's sync loop: send the outbox to the centre whenever the link allows.

The counter never waits for the centre: digitising, signing and filing happen
on the node (its own database and storage), and this loop sends what was filed.
While the link is down the loop tries again after a wait that doubles from
``sync_interval_seconds`` up to ``sync_retry_max_seconds``; a document the centre
refuses waits that longest time before it is tried again, and is listed in the
node's sync status until someone deals with it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from vault import VaultError

from ...errors import NotANode
from ...settings import Settings
from ..needs import Syncing
from .link import CentreLink, CentreRefused, LinkDown
from .outbox import Outbox, read_bundle

log = logging.getLogger(__name__)

#: Called after each document: (documents sent or refused so far, documents due).
Progress = Callable[[int, int], None]


@dataclass
class SyncReport:
    sent: int = 0
    refused: int = 0
    #: Why the pass stopped early: the link is down (None: it went through).
    link_down: str | None = None


def centre_link(settings: Settings) -> CentreLink:
    if not (settings.sync.central_url and settings.sync.central_username and settings.sync.central_password):
        raise NotANode("đây không phải điểm một cửa đồng bộ: cần SOHOA_CENTRAL_URL, "
                       "SOHOA_CENTRAL_USERNAME và SOHOA_CENTRAL_PASSWORD (not a counter node: "
                       "set the centre's URL and the node's account)")
    return CentreLink(settings.sync.central_url, settings.sync.central_username,
                      settings.sync.central_password.get_secret_value(),
                      timeout=settings.sync.timeout_seconds)


def sync_pass(services: Syncing, link: CentreLink, *, progress: Progress | None = None,
              stopping: threading.Event | None = None) -> SyncReport:
    """Send every due document once, oldest first; stop at the first sign the link is
    down (or when ``stopping`` is set: after days away there may be thousands)."""
    outbox, report = Outbox(services.sessions), SyncReport()
    refused_wait = timedelta(seconds=services.settings.sync.retry_max_seconds)
    while due := outbox.due():
        for index, document_id in enumerate(due, start=1):
            if stopping is not None and stopping.is_set():
                return report
            try:
                central_id = link.send(read_bundle(services, document_id))
            except LinkDown as exc:
                outbox.failed(document_id, "centre_unreachable", str(exc), None)
                report.link_down = str(exc)
                return report
            except (CentreRefused, VaultError) as exc:
                code = exc.code if isinstance(exc, CentreRefused) else "unreadable_here"
                log.warning("the centre refused document %s: %s", document_id, code)
                outbox.failed(document_id, code, str(exc), datetime.now(UTC) + refused_wait)
                report.refused += 1
            else:
                outbox.acknowledged(document_id, central_id)
                report.sent += 1
            if progress:
                done = report.sent + report.refused
                progress(done, done + len(due) - index)
    return report


@dataclass
class SyncStatus:
    """What the node's screens and API show of the link."""

    central_url: str
    link: str = "unknown"  # up | down | unknown (no pass yet)
    last_pass_at: datetime | None = None
    last_error: str | None = None


class Syncer:
    """The loop, on a thread of `sohoa serve` when the settings make this a node."""

    def __init__(self, services: Syncing) -> None:
        self._services = services
        self._link = centre_link(services.settings)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="sohoa-sync")
        self.status = SyncStatus(services.settings.sync.central_url or "")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop between documents; an upload in flight is cut when the process ends,
        which is safe: the centre files a resent document once."""
        self._stop.set()
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._link.close()

    def _run(self) -> None:
        settings = self._services.settings
        interval, longest = settings.sync.interval_seconds, settings.sync.retry_max_seconds
        wait = 0.0
        while not self._stop.wait(wait):
            try:
                report = sync_pass(self._services, self._link, stopping=self._stop)
            except Exception as exc:  # noqa: BLE001 - the node's own database may be away
                log.warning("sync pass failed here", exc_info=True)
                report = SyncReport(link_down=f"{type(exc).__name__}: {exc}")
            self.status.last_pass_at = datetime.now(UTC)
            if report.link_down:
                if self.status.link != "down":
                    log.warning("the centre is unreachable; documents wait here: %s",
                                report.link_down)
                self.status.link, self.status.last_error = "down", report.link_down
                wait = min(longest, max(interval, wait * 2))
            else:
                if self.status.link == "down":
                    log.info("the link to the centre is back")
                self.status.link, self.status.last_error = "up", None
                wait = interval
            if report.sent:
                log.info("sent %d document(s) to the centre", report.sent)
