"""What a deployment chooses about signatures, as plain values: the PAdES level and the
wording of the conversion mark. Kept apart from the signing machinery so that the
settings can name them without loading pyHanko."""

from __future__ import annotations

from enum import StrEnum

#: The wording of the paper → electronic conversion mark (a setting; the law fixes none).
DEFAULT_CONVERSION_MARK = "Bản điện tử được chuyển đổi từ bản giấy"


class PadesLevel(StrEnum):
    """The PAdES baseline levels (ETSI EN 319 142-1)."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @classmethod
    def parse(cls, text: str) -> PadesLevel:
        try:
            return cls(text.strip().upper().replace("_", "-"))
        except ValueError:
            raise ValueError(f"mức chữ ký phải là {', '.join(cls)} (signature level must be one "
                             f"of them), không phải {text!r}") from None

    @property
    def timestamped(self) -> bool:
        return self is not PadesLevel.B_B

    @property
    def long_term(self) -> bool:
        return self in (PadesLevel.B_LT, PadesLevel.B_LTA)
