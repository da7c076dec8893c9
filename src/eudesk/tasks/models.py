"""ORM models of the tasks domain: tasks, their matches to calls, and feedback on those matches."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eudesk.db.base import Base, UTCDateTime


class Task(Base):
    """A project idea of the administration: what it wants to do, who owns it, what it costs, where it stands."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2), default="da")  # da | en, guessed when not given
    department: Mapped[str] = mapped_column(String(200), default="", index=True)
    office: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # money needed, whole units of currency
    currency: Mapped[str] = mapped_column(String(3), default="DKK")  # DKK | EUR
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    themes: Mapped[str] = mapped_column(Text, default="")  # comma-separated
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    source: Mapped[str] = mapped_column(Text, default="")  # where the task came from (form, file, bundled data)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    matched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Fingerprint of the task text and the call index it was matched against: unchanged means no re-match needed.
    matched_key: Mapped[str] = mapped_column(String(64), default="")

    matches: Mapped[list[TaskMatch]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                    order_by="TaskMatch.rank")
    feedback: Mapped[list[MatchFeedback]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                         order_by="MatchFeedback.id")


class TaskMatch(Base):
    """A call that fits (or once fitted) a task: its rank and score at the last match, and when it first fitted."""

    __tablename__ = "task_matches"
    __table_args__ = (UniqueConstraint("task_id", "topic_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[str] = mapped_column(String(120), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    current: Mapped[bool] = mapped_column(Boolean, default=True)  # in the latest match list
    first_matched_on: Mapped[dt.date] = mapped_column(Date)
    last_matched_on: Mapped[dt.date] = mapped_column(Date)
    # The previous matching date, when the call started fitting later because it is new or changed since then.
    new_since: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    explanation: Mapped[str] = mapped_column(Text, default="")  # JSON: passages, concepts, terms, components

    task: Mapped[Task] = relationship(back_populates="matches")


class MatchFeedback(Base):
    """A verdict on a match: relevant, not relevant, or 'we apply'; undone feedback is kept with its undo time."""

    __tablename__ = "match_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[str] = mapped_column(String(120), index=True)
    verdict: Mapped[str] = mapped_column(String(16))  # relevant | not_relevant | apply
    who: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    task: Mapped[Task] = relationship(back_populates="feedback")
