"""api: keys, workspace settings, suggestion logs, feedback, widget sessions, jobs, token usage

Revision ID: 0004_api
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_api"
down_revision = "0005_trust"
branch_labels = None
depends_on = None


def _ws_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _ws_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_id"),
    )
    op.create_index("ix_api_keys_workspace_id", "api_keys", ["workspace_id"])
    op.create_table(
        "workspace_settings",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("widget_secret", sa.String(length=128), nullable=True),
        sa.Column("cors_origins", sa.JSON(), nullable=False),
        sa.Column("token_budget_daily", sa.Integer(), nullable=True),
        _ws_fk(),
        sa.PrimaryKeyConstraint("workspace_id"),
    )
    op.create_table(
        "suggestion_logs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("customer_ref", sa.String(length=200), nullable=True),
        sa.Column("session_id", sa.String(length=40), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("abstain", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _ws_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_suggestion_logs_workspace_id", "suggestion_logs", ["workspace_id"])
    op.create_index("ix_suggestion_logs_customer_ref", "suggestion_logs", ["customer_ref"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _ws_fk(),
        sa.ForeignKeyConstraint(["suggestion_id"], ["suggestion_logs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_workspace_id", "feedback", ["workspace_id"])
    op.create_index("ix_feedback_suggestion_id", "feedback", ["suggestion_id"])
    op.create_table(
        "widget_sessions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("customer_ref", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=True),
        _ws_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_widget_sessions_workspace_id", "widget_sessions", ["workspace_id"])
    op.create_index("ix_widget_sessions_customer_ref", "widget_sessions", ["customer_ref"])
    op.create_table(
        "api_jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("phase", sa.String(length=100), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        _ws_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_jobs_workspace_id", "api_jobs", ["workspace_id"])
    op.create_table(
        "token_usage",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("tokens", sa.Integer(), nullable=False),
        _ws_fk(),
        sa.PrimaryKeyConstraint("workspace_id", "day"),
    )


def downgrade() -> None:
    for table in (
        "token_usage",
        "api_jobs",
        "widget_sessions",
        "feedback",
        "suggestion_logs",
        "workspace_settings",
        "api_keys",
    ):
        op.drop_table(table)
