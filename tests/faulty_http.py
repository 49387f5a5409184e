"""A small misbehaving HTTP server for fault tests (threads, 127.0.0.1 only).

It answers SPARQL queries itself (canned JSON results), or forwards every request to a real server (a
proxy in front of Oxigraph), and on the requests a rule matches it misbehaves instead: answers 500 or 503,
answers late, trickles its answer, closes the connection without answering or part-way through the
answer, or talks something that is not HTTP. It records every request it saw and what it did.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ACTIONS = ("500", "503", "slow", "trickle", "cut", "cut-body", "garbage", "forward-then-cut", "raw", "redirect")


@dataclass
class Rule:
    action: str  # one of ACTIONS
    method: str | None = None  # GET, POST, PUT, DELETE; None: any
    contains: str = ""  # in the path, query string or body
    times: int = -1  # how many requests it applies to; -1: all
    seconds: float = 3.0  # for slow and trickle
    body: bytes = b""  # for raw: the answer's body (status 200)
    ctype: str = "application/sparql-results+json"  # for raw
    location: str = ""  # for redirect (302)

    def matches(self, method: str, text: str) -> bool:
        return self.times != 0 and (self.method in (None, method)) and self.contains in text


@dataclass
class Seen:
    method: str
    path: str
    text: str
    action: str
    at: float = field(default_factory=time.monotonic)


@dataclass
class FaultyHTTP:
    upstream: str | None = None  # "http://127.0.0.1:7878": forward what no rule catches
    answer: dict = field(default_factory=lambda: {"head": {"vars": ["x"]}, "results": {"bindings": [
        {"x": {"type": "literal", "value": "antwoord"}}]}})
    rules: list[Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _any(self):
                outer._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def actions(self, method: str | None = None) -> list[str]:
        return [s.action for s in self.seen if method in (None, s.method)]

    # --- one request ------------------------------------------------------------------------------

    def _rule(self, method: str, text: str) -> Rule | None:
        with self._lock:
            for r in self.rules:
                if r.matches(method, text):
                    if r.times > 0:
                        r.times -= 1
                    return r
        return None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            decoded = ""
        form = parse_qs(decoded) if "x-www-form-urlencoded" in (h.headers.get("Content-Type") or "") else {}
        text = " ".join([h.path, *(v for vs in form.values() for v in vs), decoded[:2000]])
        rule = self._rule(h.command, text)
        action = rule.action if rule else ("forward" if self.upstream else "answer")
        self.seen.append(Seen(h.command, urlsplit(h.path).path, text, action))
        h.close_connection = True
        try:
            if action == "answer":
                self._answer(h, form)
            elif action == "forward":
                self._forward(h, body)
            else:
                self._misbehave(h, rule, body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, h, status: int, body: bytes, ctype: str = "application/sparql-results+json") -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)

    def _answer(self, h, form: dict) -> None:
        if h.command != "POST" or "query" not in form:
            self._send(h, 204 if h.command in ("PUT", "DELETE") else 200, b"", "text/plain")
            return
        if "GRAPH ?g" in form["query"][0]:
            listing = {"head": {"vars": ["g"]}, "results": {"bindings": [
                {"g": {"type": "uri", "value": "https://kg.example.org/graph/a"}}]}}
            self._send(h, 200, json.dumps(listing).encode())
        else:
            self._send(h, 200, json.dumps(self.answer).encode())

    def _forward(self, h, body: bytes, *, cut: bool = False) -> None:
        up = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        headers = {k: v for k, v in h.headers.items() if k.lower() not in ("host", "connection", "content-length")}
        conn.request(h.command, h.path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if cut:  # the server did the work; the client never hears so
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        h.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(data)

    def _misbehave(self, h, rule: Rule, body: bytes) -> None:
        a = rule.action
        if a in ("500", "503"):
            self._send(h, int(a), f"error {a}: the server is not well".encode(), "text/plain")
        elif a == "slow":
            time.sleep(rule.seconds)
            self._send(h, 503, b"too late", "text/plain")
        elif a == "trickle":  # every byte in time, the whole answer far too late
            payload = json.dumps(self.answer).encode()
            h.send_response(200)
            h.send_header("Content-Type", "application/sparql-results+json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.flush()
            step = rule.seconds / max(1, len(payload))
            for i in range(len(payload)):
                h.wfile.write(payload[i : i + 1])
                h.wfile.flush()
                time.sleep(min(step, 0.2))
        elif a == "cut":
            h.connection.shutdown(socket.SHUT_RDWR)
        elif a == "cut-body":
            h.send_response(200)
            h.send_header("Content-Type", "application/sparql-results+json")
            h.send_header("Content-Length", "5000")
            h.end_headers()
            h.wfile.write(b'{"head": {"vars": ["x"]}, "resu')
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)
        elif a == "garbage":
            h.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP\r\n\r\n")
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)
        elif a == "forward-then-cut":
            self._forward(h, body, cut=True)
        elif a == "raw":
            self._send(h, 200, rule.body, rule.ctype)
        elif a == "redirect":
            h.send_response(302)
            h.send_header("Location", rule.location)
            h.send_header("Content-Length", "0")
            h.end_headers()
        else:
            raise ValueError(a)
