"""Alembic environment: runs on the connection :func:`knowledge.db.migrate` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from knowledge.db.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # plain `alembic` use: a URL in the config
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "set sqlalchemy.url or call knowledge.db.migrate(engine)"
    with create_engine(url).begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
