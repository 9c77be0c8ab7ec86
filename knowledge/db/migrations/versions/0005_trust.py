"""trust: customers.verified and customer_claims (identities claimed by unverified sessions)

Revision ID: 0005_trust
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_trust"
down_revision = "0003_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verified", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "customer_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("display", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "customer_id", "kind", "value"),
    )
    with op.batch_alter_table("customer_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_claims_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_customer_claims_value", ["workspace_id", "kind", "value"], unique=False)


def downgrade() -> None:
    op.drop_table("customer_claims")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("verified")
