"""ORM models of organisations (one per real organisation across sources), their merge log and staff notes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eudesk.db.base import Base, UTCDateTime


class Organisation(Base):
    """An organisation: CORDIS organisationID where the source has one, else resolved by name, city and country."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cordis_id: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(String(300), index=True)  # normalised name, for resolution
    short_name: Mapped[str] = mapped_column(String(120), default="")
    activity_type: Mapped[str] = mapped_column(String(8), default="", index=True)  # PUB HES REC PRC OTH
    country: Mapped[str] = mapped_column(String(2), default="", index=True)
    city: Mapped[str] = mapped_column(String(120), default="", index=True)
    postcode: Mapped[str] = mapped_column(String(32), default="")
    nuts_code: Mapped[str] = mapped_column(String(8), default="")
    nuts_source: Mapped[str] = mapped_column(String(32), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    population: Mapped[int | None] = mapped_column(Integer, nullable=True)
    population_source: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(32), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)


class OrganisationMerge(Base):
    """One merge of a duplicate organisation into another, with the participations it moved (undo restores them)."""

    __tablename__ = "organisation_merges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    moved_participations: Mapped[str] = mapped_column(Text, default="")  # comma-separated participation ids
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Note(Base):
    """A note from our own staff about an organisation, a city or a project (a study trip, a contact, a lesson)."""

    __tablename__ = "partner_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(16), index=True)  # organisation, city, project
    target_key: Mapped[str] = mapped_column(String(200), index=True)  # org id, "DK/odense", project id
    author: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
