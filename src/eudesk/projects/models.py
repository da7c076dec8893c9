"""ORM models of past projects: projects, participations and the import runs that brought them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eudesk.db.base import Base, UTCDateTime
from eudesk.partners.models import Organisation


class ProjectSource(Base):
    """One import of a file of past projects (which file, when, how many rows), for provenance and idempotency."""

    __tablename__ = "project_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32), index=True)  # cordis, dk-structural, (keep, life, urbact ...)
    label: Mapped[str] = mapped_column(String(300))
    attribution: Mapped[str] = mapped_column(Text, default="")
    file_hash: Mapped[str] = mapped_column(String(64), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    projects_new: Mapped[int] = mapped_column(Integer, default=0)
    projects_changed: Mapped[int] = mapped_column(Integer, default=0)
    participations_new: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Project(Base):
    """A past project from one source, keyed by (source, external id)."""

    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32), index=True)
    external_id: Mapped[str] = mapped_column(String(64))
    acronym: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="en")
    programme: Mapped[str] = mapped_column(String(64), default="", index=True)
    topic_code: Mapped[str] = mapped_column(String(120), default="", index=True)
    topic_title: Mapped[str] = mapped_column(Text, default="")
    funding_scheme: Mapped[str] = mapped_column(String(64), default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    total_cost: Mapped[float | None] = mapped_column(Float, nullable=True)
    eu_contribution: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str] = mapped_column(String(8), default="EUR")
    region: Mapped[str] = mapped_column(String(120), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    participations: Mapped[list[Participation]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Participation.order"
    )


class Participation(Base):
    """An organisation's part in a project: coordinator or participant, with its EU contribution where known."""

    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("project_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(32), default="participant")
    order: Mapped[int] = mapped_column(Integer, default=0)
    eu_contribution: Mapped[float | None] = mapped_column(Float, nullable=True)
    name_as_given: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship(back_populates="participations")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
