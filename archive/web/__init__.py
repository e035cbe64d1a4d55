"""The Flask application: create_app() and nothing else global."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from ..settings import setting
from . import api, browse, cache, errors, helpers, hosts, reader, search, store

# The repository's templates/ in a checkout; archive/templates/ in an installed wheel (see
# pyproject.toml's package-dir).
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INSTALLED_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def template_folder() -> str:
    return str(INSTALLED_TEMPLATES if INSTALLED_TEMPLATES.is_dir() else CHECKOUT_TEMPLATES)


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: Mapping | None = None) -> Flask:
    """The archive's web app: defaults, then ARCHIVE_* environment variables, then `config`."""
    app = Flask(__name__, template_folder=template_folder(), static_folder="static")
    app.config.from_mapping(
        CORPUS=setting("ARCHIVE_CORPUS"),
        INDEX=setting("ARCHIVE_INDEX"),
        PAGE_SIZE=int(setting("ARCHIVE_PAGE_SIZE")),
        BASE_URL=setting("ARCHIVE_BASE_URL"),
        BUILD_MISSING_INDEX=True,
    )
    app.config.from_prefixed_env("ARCHIVE")
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False  # Chinese and Russian text stays readable in the API
    app.json.sort_keys = False
    hosts.init_app(app)
    store.init_app(app)
    cache.init_app(app)
    app.register_blueprint(search.bp)
    reader.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(browse.api)
    errors.init_app(app)
    helpers.init_app(app)
    app.after_request(security_headers)
    return app


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    return response
