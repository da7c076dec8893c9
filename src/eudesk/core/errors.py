"""Domain exceptions, turned into one-line CLI messages or HTTP error pages at the edge."""

from __future__ import annotations


class EudeskError(Exception):
    """Base of every error eudesk reports to a user in one line."""

    http_status = 400


class NotFound(EudeskError):
    """A record that was asked for does not exist."""

    http_status = 404


class InvalidInput(EudeskError):
    """Input (a file, a form, an API page) is malformed; the message names the record and field."""

    http_status = 422

    def __init__(self, message: str, *, record: str | None = None, field: str | None = None) -> None:
        where = ", ".join(p for p in (f"record {record}" if record else "", f"field {field}" if field else "") if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.record = record
        self.field = field


class SourceUnavailable(EudeskError):
    """An external source (the portal) is down, slow or answered garbage."""

    http_status = 502
