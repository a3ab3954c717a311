"""bodies get a key, a kind and an active flag; decision types; the decision's type and
amount; the organisation's type (issue 17)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 18:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ORGANISATION_KINDS = "kind IN ('municipality', 'wellbeing_county', 'joint_authority', 'helsinki')"
BODY_KINDS = (
    "kind IN ('council', 'executive_board', 'committee', 'board', 'division', 'office_holder')"
)


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Rebuilding these tables in batch mode would drop them, which SQLite's foreign keys
        # refuse while decisions and meetings point at them: add the columns in place.
        op.execute(
            "ALTER TABLE organisations ADD COLUMN kind VARCHAR(20) DEFAULT 'municipality' "
            f"NOT NULL CONSTRAINT ck_organisations_kind CHECK ({ORGANISATION_KINDS})"
        )
        op.execute("ALTER TABLE bodies ADD COLUMN key VARCHAR(60) DEFAULT '' NOT NULL")
        op.execute(
            "ALTER TABLE bodies ADD COLUMN kind VARCHAR(20) DEFAULT 'board' NOT NULL "
            f"CONSTRAINT ck_bodies_kind CHECK ({BODY_KINDS})"
        )
        op.execute("ALTER TABLE bodies ADD COLUMN active BOOLEAN DEFAULT 1 NOT NULL")
    else:
        with op.batch_alter_table("organisations", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "kind", sa.String(length=20), server_default="municipality", nullable=False
                )
            )
            batch_op.create_check_constraint(op.f("ck_organisations_kind"), ORGANISATION_KINDS)
        with op.batch_alter_table("bodies", schema=None) as batch_op:
            batch_op.add_column(sa.Column("key", sa.String(length=60), nullable=True))
            batch_op.add_column(
                sa.Column("kind", sa.String(length=20), server_default="board", nullable=False)
            )
            batch_op.add_column(
                sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
            )
            batch_op.create_check_constraint(op.f("ck_bodies_kind"), BODY_KINDS)
    # Existing bodies get a key an admin can rename; the id makes it unique.
    op.execute("UPDATE bodies SET key = 'body-' || CAST(id AS VARCHAR(20))")
    if not sqlite:
        op.alter_column("bodies", "key", existing_type=sa.String(length=60), nullable=False)
    op.create_index("uq_bodies_key", "bodies", ["organisation_id", "key"], unique=True)

    op.create_table(
        "decision_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name_fi", sa.String(length=200), nullable=False),
        sa.Column("name_sv", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("task_class", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_decision_types_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_types")),
        sa.UniqueConstraint("organisation_id", "key", name="uq_decision_types_key"),
    )
    op.create_index(
        "ix_decision_types_organisation_id", "decision_types", ["organisation_id"], unique=False
    )

    if sqlite:
        op.execute(
            "ALTER TABLE decisions ADD COLUMN decision_type_id INTEGER "
            "CONSTRAINT fk_decisions_decision_type_id_decision_types "
            "REFERENCES decision_types (id)"
        )
        op.execute(
            "ALTER TABLE decisions ADD COLUMN amount_eur INTEGER CONSTRAINT "
            "ck_decisions_amount_eur CHECK (amount_eur IS NULL OR amount_eur >= 0)"
        )
    else:
        with op.batch_alter_table("decisions", schema=None) as batch_op:
            batch_op.add_column(sa.Column("decision_type_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("amount_eur", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                op.f("fk_decisions_decision_type_id_decision_types"),
                "decision_types",
                ["decision_type_id"],
                ["id"],
            )
            batch_op.create_check_constraint(
                op.f("ck_decisions_amount_eur"), "amount_eur IS NULL OR amount_eur >= 0"
            )
    op.create_index(
        "ix_decisions_decision_type_id", "decisions", ["decision_type_id"], unique=False
    )


def downgrade():
    # SQLite reflects the column's foreign key without its name; the rebuild drops it.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_decisions_decision_type_id", table_name="decisions")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decisions_amount_eur"), type_="check")
        if not sqlite:
            batch_op.drop_constraint(
                op.f("fk_decisions_decision_type_id_decision_types"), type_="foreignkey"
            )
        batch_op.drop_column("amount_eur")
        batch_op.drop_column("decision_type_id")

    op.drop_index("ix_decision_types_organisation_id", table_name="decision_types")
    op.drop_table("decision_types")

    op.drop_index("uq_bodies_key", table_name="bodies")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_bodies_kind"), type_="check")
        batch_op.drop_column("active")
        batch_op.drop_column("kind")
        batch_op.drop_column("key")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisations_kind"), type_="check")
        batch_op.drop_column("kind")
