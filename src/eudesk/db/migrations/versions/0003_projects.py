"""past projects, participations, organisations, merges and notes

Revision ID: 0003_projects
Revises: 0001_calls
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import eudesk.db.base

revision = "0003_projects"
down_revision = "0001_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cordis_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("short_name", sa.String(length=120), nullable=False),
        sa.Column("activity_type", sa.String(length=8), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("postcode", sa.String(length=32), nullable=False),
        sa.Column("nuts_code", sa.String(length=8), nullable=False),
        sa.Column("nuts_source", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("population_source", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["organisations.id"],
            name=op.f("fk_organisations_merged_into_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("cordis_id", name=op.f("uq_organisations_cordis_id")),
    )
    op.create_index(op.f("ix_organisations_activity_type"), "organisations", ["activity_type"], unique=False)
    op.create_index(op.f("ix_organisations_city"), "organisations", ["city"], unique=False)
    op.create_index(op.f("ix_organisations_country"), "organisations", ["country"], unique=False)
    op.create_index(
        op.f("ix_organisations_merged_into_id"), "organisations", ["merged_into_id"], unique=False
    )
    op.create_index(op.f("ix_organisations_name_key"), "organisations", ["name_key"], unique=False)
    op.create_table(
        "partner_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_key", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_notes")),
    )
    op.create_index(op.f("ix_partner_notes_target_key"), "partner_notes", ["target_key"], unique=False)
    op.create_index(op.f("ix_partner_notes_target_kind"), "partner_notes", ["target_kind"], unique=False)
    op.create_table(
        "project_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("attribution", sa.Text(), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("projects_new", sa.Integer(), nullable=False),
        sa.Column("projects_changed", sa.Integer(), nullable=False),
        sa.Column("participations_new", sa.Integer(), nullable=False),
        sa.Column("imported_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_sources")),
    )
    op.create_index(op.f("ix_project_sources_source"), "project_sources", ["source"], unique=False)
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("acronym", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("programme", sa.String(length=64), nullable=False),
        sa.Column("topic_code", sa.String(length=120), nullable=False),
        sa.Column("topic_title", sa.Text(), nullable=False),
        sa.Column("funding_scheme", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("total_cost", sa.Float(), nullable=True),
        sa.Column("eu_contribution", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("attribution", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("imported_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_projects_source")),
    )
    op.create_index(op.f("ix_projects_programme"), "projects", ["programme"], unique=False)
    op.create_index(op.f("ix_projects_source"), "projects", ["source"], unique=False)
    op.create_index(op.f("ix_projects_topic_code"), "projects", ["topic_code"], unique=False)
    op.create_table(
        "organisation_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("moved_participations", sa.Text(), nullable=False),
        sa.Column("at", eudesk.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", eudesk.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["organisations.id"], name=op.f("fk_organisation_merges_kept_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["organisations.id"], name=op.f("fk_organisation_merges_merged_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_merges")),
    )
    op.create_index(op.f("ix_organisation_merges_kept_id"), "organisation_merges", ["kept_id"], unique=False)
    op.create_index(
        op.f("ix_organisation_merges_merged_id"), "organisation_merges", ["merged_id"], unique=False
    )
    op.create_table(
        "participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("eu_contribution", sa.Float(), nullable=True),
        sa.Column("name_as_given", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_participations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_participations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participations")),
        sa.UniqueConstraint("project_id", "organisation_id", name=op.f("uq_participations_project_id")),
    )
    op.create_index(
        op.f("ix_participations_organisation_id"), "participations", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_participations_project_id"), "participations", ["project_id"], unique=False)
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_table("participations")
    op.drop_table("projects")
    op.drop_table("project_sources")
    op.drop_table("partner_notes")
    op.drop_table("organisation_merges")
    op.drop_table("organisations")
