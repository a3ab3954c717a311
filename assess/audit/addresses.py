"""Client addresses of audit events, kept apart from the chain so that they can be erased
after their retention (issue 16, docs/privacy.md).

An event recorded since migration 0029 stores in its hashed ``client_address`` a salted
digest of the address (``h:`` and 22 base64url characters: the first 128 bits of SHA-256
over the salt and the address; short, since ``audit verify``'s time grows with the bytes it
hashes), and the address with its random salt in a row of ``audit_addresses``. The chain
covers the digest, so deleting that row (``privacy purge``) leaves every hash as it was:
``audit verify`` walks old and new events alike, hashing whatever text ``client_address``
holds (an address in events made before 0029, a digest after), with no lookup in
``audit_addresses``. While the row is kept, ``matches`` shows that it still holds the
address the chain committed to; after the deletion the digest tells nothing about the
address (its salt went with it).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, scoped_session

from ..models import AuditAddress, AuditEvent

PREFIX = "h:"


def digest(salt: str, address: str) -> str:
    """What the chain holds for ``address`` with ``salt`` (32 hex digits)."""
    raw = hashlib.sha256(bytes.fromhex(salt) + address.encode("utf-8")).digest()[:16]
    return PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def is_digest(value: str | None) -> bool:
    """Whether an event's ``client_address`` is a digest (the address kept apart)."""
    return value is not None and value.startswith(PREFIX)


def new_salt() -> str:
    return secrets.token_hex(16)


def matches(event: AuditEvent, kept: AuditAddress) -> bool:
    """Whether the kept address is the one the event's hash committed to."""
    return event.client_address == digest(kept.salt, kept.address)


def kept(session: Session | scoped_session, event_ids: Iterable[int]) -> dict[int, str]:
    """The addresses still kept for these events, by event id."""
    ids = sorted(set(event_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.execute(
            select(AuditAddress.event_id, AuditAddress.address).where(
                AuditAddress.event_id.in_(chunk)
            )
        ).all()
        found.update((event_id, address) for event_id, address in rows)
    return found


def shown(event_id: int, client_address: str | None, kept_addresses: dict[int, str]) -> str | None:
    """The address to show for an event (its id and hashed ``client_address``): an old
    event's own, a new one's while it is kept, else none (erased after its retention)."""
    if is_digest(client_address):
        return kept_addresses.get(event_id)
    return client_address
