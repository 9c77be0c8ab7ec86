"""cited sources: each logged suggestion keeps the ids of the knowledge documents it cited

Revision ID: 0009_cited_sources
Revises: 0008_retrieval
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_cited_sources"
down_revision = "0008_retrieval"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for suggestions logged before: what they cited was not kept (an export gives them no kb_ids)
    with op.batch_alter_table("suggestion_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cited", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suggestion_logs", schema=None) as batch_op:
        batch_op.drop_column("cited")
