"""Database: declarative base, portable types, engine and migrations."""

from eudesk.db.base import Base, UTCDateTime
from eudesk.db.engine import make_engine, make_sessionmaker, upgrade

__all__ = ["Base", "UTCDateTime", "make_engine", "make_sessionmaker", "upgrade"]
