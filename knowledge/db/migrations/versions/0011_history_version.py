"""history version: a customer's counter, bumped with every write to their history (knowledge.db.versions)

Revision ID: 0011_history_version
Revises: 0010_opening_hours
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_history_version"
down_revision = "0010_opening_hours"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("history_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("history_version")
