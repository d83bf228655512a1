"""Settings, read from ``SOHOA_*`` environment variables (and an optional ``.env``), one
nested model per area (``settings.ocr``, ``settings.intake``, ``settings.signing`` …),
checked when they are loaded (`load_settings`)."""

from .root import AREAS, Settings, SettingsInvalid, load_settings

__all__ = ["AREAS", "Settings", "SettingsInvalid", "load_settings"]
