"""opening hours: a workspace may declare when people answer (assistant.opening_hours)

Revision ID: 0010_opening_hours
Revises: 0009_cited_sources
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_opening_hours"
down_revision = "0009_cited_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: none declared, people are always there (as before)
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opening_hours", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("opening_hours")
