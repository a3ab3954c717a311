"""Sign-in through the organisation's identity provider (issue 16).

- ``users.oidc_issuer`` and ``users.oidc_subject``: who the person is at the OpenID
  provider. A person signing in through it is found by this pair, never by the e-mail
  address alone (an address can be reused or changed at the provider; the subject cannot).
  Both NULL for a person who signs in with a password only.
- ``organisations.password_sign_in``: whether the organisation's people may still sign in
  with a password (true unless the organisation switches it off for its provider).

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-28 15:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("oidc_issuer", sa.String(length=500), nullable=True))
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_index("uq_users_oidc_identity", "users", ["oidc_issuer", "oidc_subject"], unique=True)
    op.add_column(
        "organisations",
        sa.Column("password_sign_in", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35 has it): a batch copy of ``users``
    # would drop a table other tables' rows refer to.
    op.drop_column("organisations", "password_sign_in")
    op.drop_index("uq_users_oidc_identity", table_name="users")
    op.drop_column("users", "oidc_subject")
    op.drop_column("users", "oidc_issuer")
