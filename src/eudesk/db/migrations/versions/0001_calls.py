"""calls catalogue

Revision ID: 0001_calls
Revises:
Create Date: 2026-11-27 06:31:18.255097
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import eudesk.db.base

revision = "0001_calls"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_programmes_code")),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("started_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("topics_seen", sa.Integer(), nullable=False),
        sa.Column("topics_new", sa.Integer(), nullable=False),
        sa.Column("topics_changed", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("programme_id", sa.String(length=32), nullable=False),
        sa.Column("cluster", sa.String(length=32), nullable=False),
        sa.Column("call_identifier", sa.String(length=120), nullable=False),
        sa.Column("call_title", sa.Text(), nullable=False),
        sa.Column("action_type", sa.String(length=64), nullable=False),
        sa.Column("types_of_action", sa.Text(), nullable=False),
        sa.Column("source_status", sa.String(length=16), nullable=False),
        sa.Column("opening_date", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("deadline_model", sa.String(length=32), nullable=False),
        sa.Column("budget_min", sa.BigInteger(), nullable=True),
        sa.Column("budget_max", sa.BigInteger(), nullable=True),
        sa.Column("expected_grants", sa.Integer(), nullable=True),
        sa.Column("budget_total", sa.BigInteger(), nullable=True),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("cross_cutting", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("support_info", sa.Text(), nullable=False),
        sa.Column("portal_url", sa.Text(), nullable=False),
        sa.Column("qna_url", sa.Text(), nullable=False),
        sa.Column("updates_url", sa.Text(), nullable=False),
        sa.Column("documents_url", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("fetched_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("gone_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_calls_programme_id_programmes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_action_type"), ["action_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_budget_max"), ["budget_max"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_topic_id"), ["topic_id"], unique=True)

    op.create_table(
        "call_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("sync_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_call_changes_call_id_calls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sync_id"], ["sync_runs.id"], name=op.f("fk_call_changes_sync_id_sync_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_changes")),
    )
    with op.batch_alter_table("call_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_changes_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_changes_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_changes_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_changes_sync_id"), ["sync_id"], unique=False)

    op.create_table(
        "call_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_call_deadlines_call_id_calls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_deadlines")),
        sa.UniqueConstraint("call_id", "deadline", name=op.f("uq_call_deadlines_call_id")),
    )
    with op.batch_alter_table("call_deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_deadlines_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_deadlines_deadline"), ["deadline"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("call_deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_deadlines_deadline"))
        batch_op.drop_index(batch_op.f("ix_call_deadlines_call_id"))

    op.drop_table("call_deadlines")
    with op.batch_alter_table("call_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_changes_sync_id"))
        batch_op.drop_index(batch_op.f("ix_call_changes_kind"))
        batch_op.drop_index(batch_op.f("ix_call_changes_call_id"))
        batch_op.drop_index(batch_op.f("ix_call_changes_at"))

    op.drop_table("call_changes")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_topic_id"))
        batch_op.drop_index(batch_op.f("ix_calls_programme_id"))
        batch_op.drop_index(batch_op.f("ix_calls_deadline"))
        batch_op.drop_index(batch_op.f("ix_calls_budget_max"))
        batch_op.drop_index(batch_op.f("ix_calls_action_type"))

    op.drop_table("calls")
    op.drop_table("sync_runs")
    op.drop_table("programmes")
