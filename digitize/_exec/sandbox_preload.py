"""Imported once by the parsing sandbox's forkserver (see `digitize.sandbox`).

It loads the parsers, so each forked child starts with pikepdf, Pillow and OpenCV
ready, and it stops the children from importing the parent's main script:
multiprocessing prepares every child as a fresh ``__main__`` and, for a console
script such as ``sohoa``, that means importing the whole CLI (2.5 s) before a
single byte is parsed. (Preloading ``"__main__"`` should prevent this, but in
Python 3.11 the forkserver is never told the main path, so it cannot.) The functions the
sandbox runs are importable by name and never need the parent's ``__main__``.
This module is only ever imported in the forkserver process.
"""

from __future__ import annotations

import os

# No thread pools in a process that forks: threads do not survive a fork, and a pool's
# locks held at that moment stay held in the child. A parse needs one thread anyway.
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

from multiprocessing import spawn  # noqa: E402

import digitize.inspect  # noqa: F401,E402 - imported for the children to inherit


def _keep_main(*_args: object) -> None:
    return None


spawn._fixup_main_from_path = _keep_main  # type: ignore[attr-defined]
spawn._fixup_main_from_name = _keep_main  # type: ignore[attr-defined]
