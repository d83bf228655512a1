"""requirements.lock matches pyproject.toml, and the running virtualenv matches the lock.

A fresh machine installs exactly the lock (`make test` uses pip's hash-checking mode),
so a dependency added to pyproject.toml without `make lock`, a lock entry nothing needs
any more, or a virtualenv that drifted from the lock would make "green here" mean
nothing elsewhere.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")
VIA_ONE = re.compile(r"^\s+# via (?P<who>.+)$")
VIA_ITEM = re.compile(r"^\s+#\s{3}(?P<who>.+)$")
# What uv writes for a root requirement: our own project and the build backend's input.
ROOT_SOURCES = ("sohoa (pyproject.toml)", "-r ")


@dataclass
class Pin:
    name: str
    version: Version
    marker: Marker | None
    hashes: int = 0
    needed_by: list[str] = field(default_factory=list)


def _read_lock() -> list[Pin]:
    pins: list[Pin] = []
    in_via_list = False
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            marker = match["marker"]
            pins.append(Pin(canonicalize_name(match["name"]), Version(match["version"]),
                            Marker(marker) if marker else None))
            in_via_list = False
        elif "--hash=sha256:" in line:
            pins[-1].hashes += 1
        elif match := VIA_ONE.match(line):
            pins[-1].needed_by.append(match["who"].strip())
        elif line.strip() == "# via":
            in_via_list = True
        elif in_via_list and (match := VIA_ITEM.match(line)):
            pins[-1].needed_by.append(match["who"].strip())
    return pins


def _roots() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    texts = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["test"],
             *project["build-system"]["requires"]]
    return [Requirement(text) for text in texts]


def _applies(marker: Marker | None) -> bool:
    return marker is None or marker.evaluate()


def test_every_dependency_of_pyproject_is_locked_at_a_version_it_accepts() -> None:
    by_name: dict[str, list[Pin]] = {}
    for pin in _read_lock():
        by_name.setdefault(pin.name, []).append(pin)
    problems = []
    for requirement in _roots():
        candidates = [pin for pin in by_name.get(canonicalize_name(requirement.name), [])
                      if _applies(pin.marker)]
        if not candidates:
            problems.append(f"{requirement} is not in requirements.lock")
        elif not any(requirement.specifier.contains(pin.version, prereleases=True) for pin in candidates):
            problems.append(f"{requirement}: the lock has {[str(p.version) for p in candidates]}")
    assert not problems, "run `make lock` and commit both files:\n" + "\n".join(problems)


def test_every_locked_package_is_pinned_with_hashes_and_needed_by_something_locked() -> None:
    pins = _read_lock()
    assert len(pins) > 50, "the lock looks truncated"
    names = {pin.name for pin in pins}
    problems = []
    for pin in pins:
        if pin.hashes == 0:
            problems.append(f"{pin.name} has no hash")
        needers = [who for who in pin.needed_by if not who.startswith(ROOT_SOURCES)]
        from_root = len(needers) < len(pin.needed_by)
        # A needer may be written with extras ("celery[redis]"): compare bare names.
        known = [who for who in needers if canonicalize_name(re.split(r"[\[ ]", who)[0]) in names]
        if not from_root and not known:
            problems.append(f"{pin.name}: nothing locked needs it ({pin.needed_by})")
    assert not problems, "run `make lock` and commit both files:\n" + "\n".join(problems)


def test_the_virtualenv_holds_exactly_the_locked_versions() -> None:
    drifted = []
    for pin in _read_lock():
        if not _applies(pin.marker):
            continue
        try:
            installed = Version(metadata.version(pin.name))
        except metadata.PackageNotFoundError:
            drifted.append(f"{pin.name}=={pin.version} is not installed")
            continue
        if installed != pin.version:
            drifted.append(f"{pin.name}: {installed} installed, {pin.version} locked")
    assert not drifted, "the virtualenv is not the lock's (make test makes it anew):\n" + "\n".join(drifted)
