"""Small facts about this installation that must outlive the data they are about (a key-value table).

E.g. "the bundled demo tasks were loaded once": deleting every demo task must not bring them back on the next start.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from eudesk.db.base import Base, UTCDateTime


class AppState(Base):
    """One fact: a key, its value and when it was last set."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def get_state(session: Session, key: str) -> str | None:
    """The value stored under key, or None."""
    return session.scalar(select(AppState.value).where(AppState.key == key))


def set_state(session: Session, key: str, value: str) -> None:
    """Store value under key (in the caller's transaction)."""
    row = session.get(AppState, key)
    now = dt.datetime.now(dt.UTC)
    if row is None:
        session.add(AppState(key=key, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now
    session.flush()
