"""retrieval: sentence vectors of knowledge chunks (late interaction) and per-workspace fusion models

Revision ID: 0008_retrieval
Revises: 0007_locale
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_retrieval"
down_revision = "0007_locale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_chunks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sentence_vectors", sa.LargeBinary(), nullable=True))
    op.create_table(
        "retrieval_models",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id"),
    )


def downgrade() -> None:
    op.drop_table("retrieval_models")
    with op.batch_alter_table("kb_chunks", schema=None) as batch_op:
        batch_op.drop_column("sentence_vectors")
