"""locale: a workspace's language and country (workspace_settings.language, workspace_settings.country)

Revision ID: 0007_locale
Revises: 0006_macros
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_locale"
down_revision = "0006_macros"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("country", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("country")
        batch_op.drop_column("language")
