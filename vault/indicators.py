"""The digitisation indicators of QĐ 766/QĐ-TTg, group IV (chỉ số Số hóa hồ sơ), as data.

The law's rating of one-stop service has five groups worth 100 points; group IV,
digitisation, is worth 22 (REGULATIONS 62). Which rates make up the group, and how
its points are split, we have not read in the decision itself (REGULATIONS 63), so
the formulas are a file an administrator can replace: each indicator is one
measure (or a sum of measures) over another, scored up to its points. The bundled
file follows a deployed provincial system and says it is an example.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kernel import DomainError

BUNDLED = Path(__file__).parent / "data" / "qd766_group_iv.yaml"

#: What the report counts (``vault.statistics``); formulas may name only these.
MEASURES = (
    "received", "digitised", "fully_digitised", "reused", "components_required",
    "components_from_vault", "resolved", "results_electronic", "results_not_required",
    "documents", "pages",
)


class IndicatorError(DomainError):
    """The indicator file cannot be used; the message names the file, the entry and why."""

    code = "invalid_indicator_file"
    http_status = 500


@dataclass(frozen=True)
class Indicator:
    """One rate of the group and the points it is worth."""

    code: str
    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    points: float
    #: The rate from which the full points are given; below it, points fall in proportion.
    full_at: float = 1.0

    def rate(self, counts: Mapping[str, int]) -> float | None:
        """The rate, or None when nothing was counted below the line (no dossier, no rate)."""
        below = sum(counts.get(m, 0) for m in self.denominator)
        if below == 0:
            return None
        return sum(counts.get(m, 0) for m in self.numerator) / below

    def score(self, rate: float | None) -> float | None:
        if rate is None:
            return None
        return self.points * min(1.0, rate / self.full_at)

    @property
    def formula(self) -> str:
        return f"{_sum(self.numerator)} / {_sum(self.denominator)}"


@dataclass(frozen=True)
class Band:
    """A rating band: from this share of the points (percent) upwards."""

    lower: float
    name: str


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    rate: float | None
    points: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.indicator.code, "name": self.indicator.name,
                "rate": _round(self.rate, 4), "points": _round(self.points, 2),
                "max": self.indicator.points}


@dataclass(frozen=True)
class GroupScore:
    """The group's points for one row of a report: None when no indicator had a rate."""

    indicators: tuple[IndicatorScore, ...]
    points: float | None
    max_points: float
    band: str | None

    @property
    def percent(self) -> float | None:
        return None if self.points is None else 100 * self.points / self.max_points

    def as_dict(self) -> dict[str, Any]:
        return {"points": _round(self.points, 2), "max": self.max_points,
                "percent": _round(self.percent, 1), "band": self.band,
                "indicators": [i.as_dict() for i in self.indicators]}


class IndicatorSet:
    """The group's indicators, its maximum and the rating bands, as read from a file."""

    def __init__(self, name: str, indicators: tuple[Indicator, ...], max_points: float,
                 bands: tuple[Band, ...], *, source: str, example: bool) -> None:
        self.name = name
        self.indicators = indicators
        self.max_points = max_points
        self.bands = tuple(sorted(bands, key=lambda b: b.lower, reverse=True))
        self.source = source
        self.example = example

    def score(self, counts: Mapping[str, int]) -> GroupScore:
        """Each indicator's rate and points; the group's points are scaled up when some
        indicator has no rate (a unit that resolved nothing this month is not marked down
        for it), as the share of the points the rated indicators could earn."""
        scores = tuple(IndicatorScore(i, rate, i.score(rate))
                       for i in self.indicators for rate in [i.rate(counts)])
        rated = [s for s in scores if s.points is not None]
        if not rated:
            return GroupScore(scores, None, self.max_points, None)
        earned = sum(s.points for s in rated if s.points is not None)
        possible = sum(s.indicator.points for s in rated)
        points = self.max_points * earned / possible if possible else 0.0
        return GroupScore(scores, points, self.max_points,
                          self.band_of(100 * points / self.max_points))

    def band_of(self, percent: float) -> str | None:
        return next((b.name for b in self.bands if percent >= b.lower), None)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "example": self.example,
                "max_points": self.max_points,
                "indicators": [{"code": i.code, "name": i.name, "formula": i.formula,
                                "points": i.points, "full_at": i.full_at}
                               for i in self.indicators],
                "bands": [{"from": b.lower, "name": b.name} for b in self.bands]}

    @classmethod
    def load(cls, path: Path | None = None) -> IndicatorSet:
        """Read and check the file (the bundled example by default): a bad file stops the
        start-up with a message naming the entry and the field."""
        source = path or BUNDLED
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise IndicatorError(f"{source}: không đọc được tệp chỉ số "
                                 f"(cannot read the indicator file: {exc})") from None
        if not isinstance(data, dict):
            raise IndicatorError(f"{source}: cần một bảng YAML (expected a YAML mapping)")
        entries = data.get("indicators")
        if not isinstance(entries, list) or not entries:
            raise IndicatorError(f"{source}: thiếu danh sách 'indicators' (no indicators)")
        indicators = tuple(_indicator(f"{source}, indicators[{n}]", e)
                           for n, e in enumerate(entries))
        codes = [i.code for i in indicators]
        if len(set(codes)) != len(codes):
            raise IndicatorError(f"{source}: mã chỉ số bị trùng (duplicate indicator code)")
        max_points = _number(f"{source}", data, "max_points")
        total = sum(i.points for i in indicators)
        if abs(total - max_points) > 1e-9:
            raise IndicatorError(f"{source}: tổng điểm các chỉ số ({total:g}) khác max_points "
                                 f"({max_points:g}) (the points do not add up)")
        bands = tuple(_band(f"{source}, bands[{n}]", b)
                      for n, b in enumerate(data.get("bands") or []))
        return cls(str(data.get("name") or source.name), indicators, max_points, bands,
                   source=str(data.get("source") or source),
                   example=bool(data.get("example")) or path is None)


def _indicator(where: str, entry: Any) -> Indicator:
    if not isinstance(entry, dict):
        raise IndicatorError(f"{where}: cần một bảng (expected a mapping)")
    code, name = entry.get("code"), entry.get("name")
    if not isinstance(code, str) or not code.strip() or not isinstance(name, str):
        raise IndicatorError(f"{where}: cần 'code' và 'name' (code and name are required)")
    full_at = _number(where, entry, "full_at", default=1.0)
    if not 0 < full_at <= 1:
        raise IndicatorError(f"{where}: full_at phải trong (0, 1] (full_at must be in (0, 1])")
    return Indicator(code.strip(), name.strip(), _measures(where, entry, "numerator"),
                     _measures(where, entry, "denominator"), _number(where, entry, "points"),
                     full_at)


def _measures(where: str, entry: dict[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key)
    names = (value,) if isinstance(value, str) else tuple(value or ())
    if not names:
        raise IndicatorError(f"{where}: thiếu '{key}' ({key} is required)")
    unknown = [n for n in names if n not in MEASURES]
    if unknown:
        raise IndicatorError(f"{where}: {key} dùng đại lượng không có: {', '.join(map(str, unknown))} "
                             f"(unknown measure; known: {', '.join(MEASURES)})")
    return names


def _number(where: str, entry: dict[str, Any], key: str, default: float | None = None) -> float:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise IndicatorError(f"{where}: '{key}' phải là số không âm ({key} must be a number ≥ 0)")
    return float(value)


def _band(where: str, entry: Any) -> Band:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise IndicatorError(f"{where}: cần 'from' và 'name' (from and name are required)")
    return Band(_number(where, entry, "from"), entry["name"])


def _sum(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"({' + '.join(names)})"


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
