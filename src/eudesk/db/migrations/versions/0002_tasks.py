"""tasks, their matches and feedback

Revision ID: 0002_tasks
Revises: 0001_calls
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import eudesk.db.base

revision = "0002_tasks"
down_revision = "0001_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("office", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("matched_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("matched_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index(op.f("ix_tasks_department"), "tasks", ["department"], unique=False)
    op.create_index(op.f("ix_tasks_status"), "tasks", ["status"], unique=False)
    op.create_table(
        "task_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.String(length=120), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("first_matched_on", sa.Date(), nullable=False),
        sa.Column("last_matched_on", sa.Date(), nullable=False),
        sa.Column("new_since", sa.Date(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_matches_task_id_tasks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_matches")),
        sa.UniqueConstraint("task_id", "topic_id", name=op.f("uq_task_matches_task_id")),
    )
    op.create_index(op.f("ix_task_matches_task_id"), "task_matches", ["task_id"], unique=False)
    op.create_index(op.f("ix_task_matches_topic_id"), "task_matches", ["topic_id"], unique=False)
    op.create_table(
        "match_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.String(length=120), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_match_feedback_task_id_tasks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_feedback")),
    )
    op.create_index(op.f("ix_match_feedback_task_id"), "match_feedback", ["task_id"], unique=False)
    op.create_index(op.f("ix_match_feedback_topic_id"), "match_feedback", ["topic_id"], unique=False)
    op.create_index(op.f("ix_match_feedback_at"), "match_feedback", ["at"], unique=False)


def downgrade() -> None:
    op.drop_table("match_feedback")
    op.drop_table("task_matches")
    op.drop_table("tasks")
