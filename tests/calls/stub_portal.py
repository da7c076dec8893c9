"""A local stand-in for the portal's search API: a real HTTP server on 127.0.0.1 in a thread.

It replays recorded search results split into pages, filters them by the `terms` of the query (which must
arrive as a JSON file part, as the real API insists), and misbehaves on request: HTTP 500s, a hang, truncated
JSON, an HTML error page, a field of the wrong type, an unknown programme id, an empty page.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections import defaultdict
from email import message_from_bytes
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SEDIA_RAW = Path("/work/shared/data/calls/sedia_raw")
SEARCH_PATH = "/search-api/prod/rest/search"
FAULTS = ("500", "hang", "truncated", "html", "wrong_type", "unknown_programme", "empty")


def load_rows(name: str = "search_results_53_topics.json", base: Path = SEDIA_RAW) -> list[dict[str, Any]]:
    """The result rows of a recorded search response."""
    return json.loads((base / name).read_text(encoding="utf-8"))["results"]


def _first(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    return str(value[0]) if isinstance(value, list) and value else ""


def _terms(node: Any, out: dict[str, set[str]]) -> dict[str, set[str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "terms" and isinstance(value, dict):
                for fld, values in value.items():
                    out.setdefault(fld, set()).update(str(v) for v in values)
            else:
                _terms(value, out)
    elif isinstance(node, list):
        for item in node:
            _terms(item, out)
    return out


class StubPortal:
    """Serves `rows` page by page; `fail(page, *faults)` queues misbehaviour for the next requests of a page."""

    def __init__(self, rows: list[dict[str, Any]] | None = None, *, hang_s: float = 3.0,
                 filter_query: bool = True) -> None:
        self.rows = rows if rows is not None else load_rows()
        self.hang_s = hang_s
        self.filter_query = filter_query
        self.faults: dict[int, list[str]] = defaultdict(list)
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- control ---------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The search endpoint's URL."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{SEARCH_PATH}"

    def fail(self, page: int, *faults: str) -> None:
        """Answer the next requests for this page with these faults, one per request, in order."""
        for f in faults:
            assert f in FAULTS, f
        with self._lock:
            self.faults[page].extend(faults)

    def start(self) -> StubPortal:
        """Start serving on a free port of 127.0.0.1."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                stub._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StubPortal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- serving ---------------------------------------------------------------------------------------------
    def _parts(self, handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, tuple[bool, bytes]]:
        ctype = handler.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            return {}
        msg = message_from_bytes(f"Content-Type: {ctype}\r\n\r\n".encode() + body, policy=HTTP)
        parts = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            parts[str(name)] = (part.get_filename() is not None, part.get_payload(decode=True) or b"")
        return parts

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(body)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        params = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        parts = self._parts(handler, body)
        page = int(params.get("pageNumber", "1"))
        size = int(params.get("pageSize", "100"))
        with self._lock:
            fault = self.faults[page].pop(0) if self.faults[page] else None
            self.requests.append({"at": time.monotonic(), "params": params, "parts": {k: v[1] for k, v in parts.items()}, "fault": fault})
        if urlsplit(handler.path).path != SEARCH_PATH:
            self._send(handler, 404, b'{"type":"notFound"}', "application/json")
            return
        # Like production: query/languages as plain form fields get a 500 "throwable".
        for name in ("query", "languages"):
            if name in parts and not parts[name][0]:
                self._send(handler, 500, b'{"type":"throwable"}', "application/json")
                return
        if fault == "500":
            self._send(handler, 500, b'{"type":"throwable"}', "application/json")
            return
        if fault == "hang":
            time.sleep(self.hang_s)
            self._send(handler, 504, b"", "application/json")
            return
        if fault == "html":
            html = b"<html><head><title>Service Unavailable</title></head><body><h1>Maintenance</h1></body></html>"
            self._send(handler, 200, html, "text/html; charset=utf-8")
            return
        rows = self.rows
        if self.filter_query and "query" in parts:
            wanted = _terms(json.loads(parts["query"][1]), {})
            rows = [r for r in rows if all(
                not _first(r.get("metadata") or {}, fld) or _first(r.get("metadata") or {}, fld) in values
                for fld, values in wanted.items())]
        chunk = copy.deepcopy(rows[(page - 1) * size: page * size])
        if fault == "empty":
            chunk = []
        if fault == "wrong_type" and chunk:
            chunk[0]["metadata"]["deadlineDate"] = 20270101
        if fault == "unknown_programme" and chunk:
            chunk[-1]["metadata"]["frameworkProgramme"] = ["99999999"]
        data = {"apiVersion": "2.151", "terms": params.get("text", ""), "totalResults": len(rows),
                "pageNumber": page, "pageSize": size, "sort": "sortStatus", "results": chunk}
        payload = json.dumps(data).encode()
        if fault == "truncated":
            payload = payload[: len(payload) // 2]
        self._send(handler, 200, payload, "application/json")


def renamed(rows: list[dict[str, Any]], copies: int) -> list[dict[str, Any]]:
    """The rows replicated `copies` times with changed identifiers (for scale tests and benchmarks)."""
    out = []
    for n in range(copies):
        for row in rows:
            row = copy.deepcopy(row)
            meta = row.get("metadata") or {}
            if n and meta.get("identifier"):
                old = meta["identifier"][0]
                new = f"{old}-R{n:03d}"
                meta["identifier"] = [new]
                if meta.get("budgetOverview"):
                    meta["budgetOverview"] = [meta["budgetOverview"][0].replace(f'"{old} - ', f'"{new} - ')]
                if meta.get("url"):
                    meta["url"] = [meta["url"][0].replace(old, new)]
            out.append(row)
    return out
