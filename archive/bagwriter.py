"""Finish a folder as a BagIt bag (RFC 8493) from checksums already known.

Why not ``bagit.make_bag``: it changes the process's working directory while it
works (``os.chdir``; LibraryOfCongress/bagit-python#112, open since 2018), so two
bags made at once — an API export beside a job, or ``export_many``'s threads —
write into each other's folders, and every relative path anywhere in the process
is wrong meanwhile. It also hashes every payload file again, when the package
writer has just checked each one against the SHA-256 the vault recorded.

So the writer puts the payload under ``data/`` itself and this module writes the
four tag files from those checksums. Reading and validating stay with the
``bagit`` library (``archive.validate``), which recomputes every checksum: a
wrong value here cannot pass unnoticed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

VERSION = "1.0"
ALGORITHM = "sha256"
MANIFEST = f"manifest-{ALGORITHM}.txt"
TAG_MANIFEST = f"tagmanifest-{ALGORITHM}.txt"


def finish_bag(root: Path, payload: Mapping[str, tuple[int, str]],
               info: Mapping[str, str]) -> None:
    """Write bagit.txt, the payload manifest, bag-info.txt (with Payload-Oxum) and the
    tag manifest into ``root``. ``payload`` maps each path under ``data/`` (``data/…``)
    to its size and SHA-256."""
    tags = {
        "bagit.txt": f"BagIt-Version: {VERSION}\nTag-File-Character-Encoding: UTF-8\n",
        MANIFEST: "".join(f"{sha256}  {_encoded(path)}\n"
                          for path, (_, sha256) in sorted(payload.items())),
        "bag-info.txt": "".join(f"{name}: {_one_line(value)}\n" for name, value in {
            **info, "Payload-Oxum": f"{sum(size for size, _ in payload.values())}."
                                    f"{len(payload)}"}.items()),
    }
    lines = []
    for name, text in tags.items():
        data = text.encode("utf-8")
        (root / name).write_bytes(data)
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
    (root / TAG_MANIFEST).write_text("".join(lines), encoding="utf-8")


def _encoded(path: str) -> str:
    """A path as a manifest line holds it. RFC 8493 (2.1.3) percent-encodes %, CR and LF;
    bagit-python encodes CR and LF only, so the two read a "%" differently. Package
    paths are built from codes and never hold these; one that does is refused."""
    if any(c in path for c in "%\r\n"):
        raise ValueError(f"{path!r}: a bag path with %, CR or LF is read differently by "
                         "RFC 8493 and bagit-python")
    return path


def _one_line(value: str) -> str:
    """A bag-info value on one line: the format has no escaping for line breaks."""
    return " ".join(value.split())
