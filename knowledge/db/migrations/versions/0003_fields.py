"""workspace fields: the details a workspace tracks beside the built-in kinds

Revision ID: 0003_fields
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_fields"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("ask", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    with op.batch_alter_table("workspace_fields", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workspace_fields_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workspace_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workspace_fields_workspace_id"))
    op.drop_table("workspace_fields")
