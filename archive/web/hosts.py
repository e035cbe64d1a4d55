"""The public address of the archive: a configured base URL, or the request's Host when it is a
valid host name. Permalinks, citations and OpenSearch carry it, so it must never be whatever a
client typed (a Host of 64+ characters used to crash URL building into a bare 500)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, abort, request

_LABEL = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"  # underscores: container names (archive_web:8000)
VALID_HOST = re.compile(
    rf"^(?:(?:{_LABEL}\.)*{_LABEL}\.?|\d{{1,3}}(?:\.\d{{1,3}}){{3}}|\[[0-9A-Fa-f:.]+\])(?::\d{{1,5}})?$"
)
MAX_HOST = 253 + 6  # a host name and a port
FALLBACK_HOST = "localhost"


def is_valid_host(host: str | None) -> bool:
    if not host or len(host) > MAX_HOST or not VALID_HOST.fullmatch(host):
        return False
    port = host.rpartition(":")[2] if not host.endswith("]") and ":" in host else None
    return port is None or 0 < int(port) <= 65535


def checked_base_url(base_url: str | None) -> str | None:
    """The configured public URL without its trailing slash; ValueError unless http(s)://host[/path]."""
    if not base_url:
        return None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not is_valid_host(parts.netloc) or parts.query:
        raise ValueError(f"the base URL {base_url!r} is not http(s)://host[:port][/path]")
    return base_url.rstrip("/")


class PublicAddress:
    """WSGI middleware: requests look as if they came to the base URL, when one is set (like
    werkzeug's ProxyFix); otherwise an invalid Host is replaced and marked for a 400."""

    def __init__(self, app, base_url: str | None):
        self.app = app
        self.base = urlsplit(base_url) if base_url else None

    def __call__(self, environ, start_response):
        if self.base is not None:
            prefix = self.base.path.rstrip("/")
            environ["wsgi.url_scheme"] = self.base.scheme
            environ["HTTP_HOST"] = self.base.netloc
            environ["SCRIPT_NAME"] = prefix
            path = environ.get("PATH_INFO", "")
            if prefix and (path == prefix or path.startswith(prefix + "/")):  # a proxy that keeps it
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
        elif not is_valid_host(environ.get("HTTP_HOST")):
            environ["archive.invalid_host"] = True
            server = environ.get("SERVER_NAME")
            environ["HTTP_HOST"] = server if is_valid_host(server) else FALLBACK_HOST
        return self.app(environ, start_response)


def refuse_invalid_host():
    if request.environ.get("archive.invalid_host"):
        abort(400, "The Host header of this request is not a valid host name.")


def init_app(app: Flask) -> None:
    app.config["BASE_URL"] = checked_base_url(app.config.get("BASE_URL"))
    app.wsgi_app = PublicAddress(app.wsgi_app, app.config["BASE_URL"])
    app.before_request(refuse_invalid_host)
