"""ORM models of the calls domain: programmes, call topics, deadlines, sync runs and recorded changes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eudesk.db.base import Base, UTCDateTime


class Programme(Base):
    """A funding programme (Horizon Europe, LIFE, CERV, ...), keyed by the portal's programme id."""

    __tablename__ = "programmes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    calls: Mapped[list[Call]] = relationship(back_populates="programme")


class Call(Base):
    """One call topic of the Funding & Tenders Portal, as last seen by an import or sync."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    reference: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(Text)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"), index=True)
    cluster: Mapped[str] = mapped_column(String(32), default="")
    call_identifier: Mapped[str] = mapped_column(String(120), default="")
    call_title: Mapped[str] = mapped_column(Text, default="")
    action_type: Mapped[str] = mapped_column(String(64), default="", index=True)
    types_of_action: Mapped[str] = mapped_column(Text, default="")
    source_status: Mapped[str] = mapped_column(String(16), default="")
    opening_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)  # the last deadline
    deadline_model: Mapped[str] = mapped_column(String(32), default="")
    budget_min: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    budget_max: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    expected_grants: Mapped[int | None] = mapped_column(Integer, nullable=True)
    budget_total: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    keywords: Mapped[str] = mapped_column(Text, default="")
    cross_cutting: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    support_info: Mapped[str] = mapped_column(Text, default="")
    portal_url: Mapped[str] = mapped_column(Text, default="")
    qna_url: Mapped[str] = mapped_column(Text, default="")
    updates_url: Mapped[str] = mapped_column(Text, default="")
    documents_url: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(120), default="")
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    gone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    programme: Mapped[Programme] = relationship(back_populates="calls", lazy="joined")
    deadlines: Mapped[list[CallDeadline]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallDeadline.deadline", lazy="selectin"
    )
    changes: Mapped[list[CallChange]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallChange.id"
    )


class CallDeadline(Base):
    """One deadline of a call (two-stage and multi-cut-off calls have several)."""

    __tablename__ = "call_deadlines"
    __table_args__ = (UniqueConstraint("call_id", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    deadline: Mapped[dt.date] = mapped_column(Date, index=True)
    stage: Mapped[int] = mapped_column(Integer, default=1)

    call: Mapped[Call] = relationship(back_populates="deadlines")


class SyncRun(Base):
    """One import or sync of calls: when, from where, how it went."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    data_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the date the data describes
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | ok | failed
    topics_seen: Mapped[int] = mapped_column(Integer, default=0)
    topics_new: Mapped[int] = mapped_column(Integer, default=0)
    topics_changed: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")


class CallChange(Base):
    """What changed in a call at a sync: new, deadline moved, budget changed, status changed, disappeared, ..."""

    __tablename__ = "call_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    sync_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id"), index=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    field: Mapped[str] = mapped_column(String(64), default="")
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)

    call: Mapped[Call] = relationship(back_populates="changes")
    sync: Mapped[SyncRun | None] = relationship()
