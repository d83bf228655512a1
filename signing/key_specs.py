"""Key sources from their descriptions, as settings, the database and the admin CLI give
them: a PKCS#12 file, a PKCS#11 token's key or a remote-signing credential."""

from __future__ import annotations

from pathlib import Path

from .keys import KeySource, Pkcs11KeySource, Pkcs12KeySource
from .remote import CscKeySource


def key_source_from_spec(spec: str, *, secret: str | None = None, cert: Path | None = None,
                         chain: tuple[Path, ...] = (), service_password: str | None = None,
                         timeout: float = 30.0) -> KeySource:
    """A key source from its description: ``pkcs12:/path/file.p12``,
    ``pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=LABEL;key=LABEL`` or
    ``csc:url=https://…;credential=ID[;login=ACCOUNT]`` (remote signing, `signing.remote`).

    ``secret`` is the passphrase or PIN (kept apart, never in the spec itself); ``cert``
    the signing certificate when a token holds the key only; ``service_password`` the
    password of the remote service's ``login`` account.
    """
    kind, _, rest = spec.strip().partition(":")
    parts = dict(item.split("=", 1) for item in rest.split(";") if "=" in item)
    if kind == "pkcs12" and rest:
        return Pkcs12KeySource(Path(rest), secret.encode() if secret else None, chain)
    needed = {"pkcs11": ("module", "token", "key"), "csc": ("url", "credential")}.get(kind)
    if needed is None:
        raise ValueError("khóa ký phải có dạng pkcs12:<tệp>, pkcs11:module=…;token=…;key=… "
                         "hoặc csc:url=…;credential=… (a key source is pkcs12:<file>, "
                         "pkcs11:module=…;token=…;key=… or csc:url=…;credential=…)")
    missing = [name for name in needed if not parts.get(name)]
    if missing:
        raise ValueError(f"khóa {kind} thiếu {', '.join(missing)} (the {kind} key source lacks "
                         f"{', '.join(missing)})")
    if kind == "pkcs11":
        return Pkcs11KeySource(Path(parts["module"]), parts["token"], parts["key"],
                               pin=secret, cert_path=cert, chain=chain)
    if not parts["url"].startswith(("https://", "http://")):
        raise ValueError("địa chỉ dịch vụ ký số từ xa phải là http(s):// (the service URL must "
                         "be http(s)://)")
    return CscKeySource(parts["url"], parts["credential"], pin=secret,
                        login=parts.get("login"), password=service_password, timeout=timeout)
