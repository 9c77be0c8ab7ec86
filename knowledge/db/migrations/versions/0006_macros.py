"""workspace macros: a workspace's own reply macros and policy (docs/situation.md)

Revision ID: 0006_macros
Revises: 0004_api
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_macros"
down_revision = "0004_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace_macros",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("workspace_macros", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workspace_macros_workspace_id"), ["workspace_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("workspace_macros", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workspace_macros_workspace_id"))
    op.drop_table("workspace_macros")
