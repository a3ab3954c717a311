"""Client addresses of audit events kept apart from the chain (issue 16, docs/privacy.md).

``audit_addresses`` holds, per event recorded from now on, the client's address and a
random salt; the event's hashed ``client_address`` holds a salted digest
(``assess.audit.addresses``). ``privacy purge`` deletes the rows older than
``AUDIT_ADDRESS_RETENTION_DAYS``; the chain still verifies, since it covers the digest.
Events recorded before this migration keep their address inside the hashed record: it
cannot be erased without breaking the chain, and is left as it is (nothing is moved).

Not append-only (unlike the audit tables): the runtime role gets SELECT, INSERT, UPDATE
and DELETE on it through `flask db grant-runtime`, as on every table that is not an audit
table.

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-28 15:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_addresses",
        # No foreign key to audit_events: TRUNCATE of the audit table must meet its
        # append-only trigger, not a key.
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_audit_addresses"),
    )


def downgrade():
    op.drop_table("audit_addresses")
