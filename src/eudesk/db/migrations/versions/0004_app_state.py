"""app_state: facts about the installation (e.g. that the bundled demo tasks were loaded once)

Revision ID: 0004_app_state
Revises: 0002_tasks
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

import eudesk.db.base

revision = "0004_app_state"
down_revision = "0002_tasks"
branch_labels = None
depends_on = None

BUNDLED_TASKS_LOADED = "tasks.bundled_loaded"


def upgrade() -> None:
    table = op.create_table(
        "app_state",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_state")),
    )
    # A database that already has tasks had its chance at the demo tasks: never load them into it later (once
    # tasks can be deleted, an emptied list would otherwise fill up with the demo tasks again on the next start).
    has_tasks = op.get_bind().execute(sa.text("SELECT 1 FROM tasks LIMIT 1")).first() is not None
    if has_tasks:
        op.bulk_insert(table, [{"key": BUNDLED_TASKS_LOADED, "value": "before 0004_app_state",
                                "updated_at": dt.datetime.now(dt.UTC)}])


def downgrade() -> None:
    op.drop_table("app_state")
