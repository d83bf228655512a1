"""Personal data in database rows, sealed under the data key of the vault it belongs to.

Blobs have long been encrypted; this does the same for what the rows say about a
person: an owner's personal ID or tax code and name, a document's record (title,
number and symbol, issuing body, summary, signer, validity, every extracted value)
and its result code, which carries the owner's ID by law (REGULATIONS 50). Each such
row keeps them in one ``sealed`` column: JSON under AES-256-GCM with the data key of
the owner's vault (``vault.keys``, through ``KeysOnConnection``), the row's identity as associated data, so a
sealed value copied into another row does not open. Crypto-shredding a vault
(``sohoa keys shred``) therefore takes its rows' personal data with its files.

Equality look-ups (an owner by ID, a document by result code) go through a *blind
index*: HMAC-SHA256 of the value under a key kept apart from the database (derived
from the search key), so the database can find a row by ID without holding the ID.

The models declare their sealed fields with ``SealedField``; the ORM events here open
a row as it is loaded and seal what changed before each flush, so the code that reads
``document.title`` or writes ``owner.identifier`` does not change. The events need the
session to carry the sealer (``RowSealer.install``); a session without one refuses
to load or write a sealed row rather than read or write it in clear.

Sealed value, version 1: ``b"SR1"`` · 1 byte length · the vault's name · the blob
seal of ``storage.encryption`` (magic, nonce, ciphertext and tag).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar, cast, overload

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_dirty

from kernel import DomainError, clean_text, cut

from .encryption import DataKeyUnavailable, open_sealed, seal

MAGIC = b"SR1"
#: A shredded or unreadable value reads as this; the row's other columns stay usable.
SHREDDED = "(đã hủy khóa)"
T = TypeVar("T")
_PLAIN = "_sealed_plain"
_CHANGED = "_sealed_changed"


class KeysOnConnection(Protocol):
    """Data keys read (and made) inside the caller's transaction (``VaultKeyring``)."""

    def key_on(self, connection: Connection, vault: str, *, create: bool) -> bytes: ...


class SealerMissing(DomainError):
    """A sealed row was loaded or written through a session without a sealer."""

    code = "sealer_missing"
    http_status = 500


class SealedField(Generic[T]):
    """A model attribute kept in the row's ``sealed`` column, never in a column of its own.

    Reading it gives the value opened when the row was loaded; setting it marks the row
    so that the next flush seals the row's fields again."""

    def __init__(self, default: T, *, shredded: T | None = None,
                 multiline: bool = False, length: int | None = None) -> None:
        self.default = default
        #: Text set here is cleaned as text columns are (`kernel.tables`), keeping line
        #: breaks only when ``multiline``, and cut to ``length`` when one is given.
        self.multiline = multiline
        self.length = length
        #: What the field reads once the vault's key is destroyed.
        self.shredded = default if shredded is None else shredded
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> SealedField[T]: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> T: ...

    def __get__(self, obj: object | None, objtype: type | None = None) -> T | SealedField[T]:
        if obj is None:
            return self
        value: T = obj.__dict__.get(_PLAIN, {}).get(self.name, self.default)
        return value

    def __set__(self, obj: object, value: T) -> None:
        if isinstance(value, str):
            cleaned = clean_text(value, multiline=self.multiline)
            value = cast(T, cut(cleaned, self.length) if self.length else cleaned)
        plain = obj.__dict__.setdefault(_PLAIN, {})
        if self.name in plain and plain[self.name] == value:
            return
        plain[self.name] = value
        obj.__dict__[_CHANGED] = True
        flag_dirty(obj)


_FIELDS: dict[type, dict[str, SealedField[Any]]] = {}


def sealed_fields(cls: type) -> dict[str, SealedField[Any]]:
    """The model's sealed fields by name (looked up once per class)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = {
            name: value for klass in reversed(cls.__mro__) for name, value in vars(klass).items()
            if isinstance(value, SealedField)}
    return fields


def plain_of(obj: object) -> dict[str, Any]:
    """The row's opened fields, as the sealed column holds them."""
    return {name: getattr(obj, name) for name in sealed_fields(type(obj))}


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot seal a {type(value).__name__}")


class RowSealer:
    """Seals and opens rows' personal data; computes blind indexes for look-ups."""

    def __init__(self, keyring: KeysOnConnection, index_key: bytes) -> None:
        self._keyring = keyring
        self._index_key = hmac.new(index_key, b"sohoa-blind-index-v1", hashlib.sha256).digest()

    def install(self, *factories: sessionmaker[Session]) -> None:
        """Let sessions of these factories open and seal rows."""
        for factory in factories:
            factory.configure(info={"sealer": self})

    def blind(self, value: str) -> str:
        """The blind index of an identifier (personal ID, tax code, result code)."""
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()[:40]

    def seal(self, connection: Connection, vault: str, row: str, payload: Any) -> bytes:
        """``payload`` as JSON sealed under ``vault``'s data key, bound to ``row``."""
        key = self._keyring.key_on(connection, vault, create=True)
        plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":"),
                               default=_json_default).encode()
        name = vault.encode()
        return MAGIC + bytes([len(name)]) + name + seal(key, f"row:{row}", plaintext)

    def open(self, connection: Connection, stored: bytes, row: str) -> Any:
        """The payload; None when the vault's key was destroyed (crypto-shredded)."""
        if not stored.startswith(MAGIC):
            raise ValueError(f"not a sealed value ({row})")
        length = stored[len(MAGIC)]
        start = len(MAGIC) + 1
        vault = stored[start: start + length].decode()
        try:
            key = self._keyring.key_on(connection, vault, create=False)
        except DataKeyUnavailable:
            return None
        return json.loads(open_sealed(key, f"row:{row}", stored[start + length:]))


def installed_sealer(factory: sessionmaker[Session]) -> RowSealer | None:
    """The sealer ``RowSealer.install`` gave this factory's sessions, if any."""
    sealer = factory.kw.get("info", {}).get("sealer")
    return sealer if isinstance(sealer, RowSealer) else None


def sealer_of(session: Session) -> RowSealer:
    sealer = session.info.get("sealer")
    if not isinstance(sealer, RowSealer):
        raise SealerMissing("this session cannot open sealed rows: build it with "
                            "RowSealer.install (personal data is never read or written in clear)")
    return sealer


# -- the ORM side: models that hold sealed fields -------------------------------------------


class SealedRow:
    """Mixin for models with sealed fields: the subclass says in which vault and as which
    row its values are sealed, and what to set when they change (its blind indexes)."""

    sealed: Any  # the mapped column, declared by each model

    def sealing_vault(self, session: Session) -> str:
        raise NotImplementedError

    def sealing_row(self) -> str:
        raise NotImplementedError

    def before_sealing(self, sealer: RowSealer) -> None:
        """Set the row's blind indexes from its plain values."""


def _open(target: SealedRow, session: Session) -> None:
    stored = target.__dict__.get("sealed")
    plain: dict[str, Any] = {}
    if stored is not None:
        opened = sealer_of(session).open(session.connection(), stored, target.sealing_row())
        plain = opened if isinstance(opened, dict) else {
            name: field.shredded for name, field in sealed_fields(type(target)).items()}
    target.__dict__[_PLAIN] = plain
    target.__dict__.pop(_CHANGED, None)


def _on_load(target: SealedRow, context: Any) -> None:
    _open(target, context.session)


def _on_refresh(target: SealedRow, context: Any, attrs: Any) -> None:
    if attrs is None or "sealed" in attrs:
        _open(target, context.session)


def _seal_changed(session: Session, _context: Any, _instances: Any) -> None:
    # A sealed field's setter flags its row dirty, so new and dirty rows are all to look at.
    changed = [obj for obj in [*session.new, *session.dirty]
               if isinstance(obj, SealedRow) and obj.__dict__.get(_CHANGED)]
    if not changed:
        return
    sealer = sealer_of(session)
    # Owners first: a document sealed in the same flush needs its new owner's vault name.
    changed.sort(key=lambda obj: getattr(obj, "sealing_order", 1))
    with session.no_autoflush:
        for obj in changed:
            obj.before_sealing(sealer)
            obj.sealed = sealer.seal(session.connection(), obj.sealing_vault(session),
                                     obj.sealing_row(), plain_of(obj))
            obj.__dict__.pop(_CHANGED, None)


def listen(*models: type[SealedRow]) -> None:
    """Register the events for ``models`` (once, when the models module is imported)."""
    for model in models:
        event.listen(model, "load", _on_load)
        event.listen(model, "refresh", _on_refresh)
    if not event.contains(Session, "before_flush", _seal_changed):
        event.listen(Session, "before_flush", _seal_changed)


def new_row_id(obj: object, attribute: str = "id") -> str:
    """The row's id, given now if the database has not given one yet (sealing binds to it)."""
    current = getattr(obj, attribute)
    if current is None:
        current = str(uuid.uuid4())
        setattr(obj, attribute, current)
    return str(current)
