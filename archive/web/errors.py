"""Error pages in the site's layout (HTML) or as JSON under /api; never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from ..engine.documents import DamagedPayload
from ..engine.folder import IndexUnavailable
from ..engine.index import REBUILD
from ..engine.query import MAX_QUERY_CHARS

MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    410: "This article has been removed from the archive.",
    500: "Something went wrong on our side. The error has been logged.",
    503: "The archive's index cannot be opened now. Whoever runs this archive will find why in its log.",
}


DAMAGED = (
    "The archive's stored copy of this article is damaged and cannot be shown. Whoever runs this "
    "archive can rebuild its index (archive reindex --full); the other articles are not affected."
)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(IndexUnavailable, index_unavailable)
    app.register_error_handler(DamagedPayload, damaged_article)
    app.register_error_handler(Exception, render_unexpected)


def render_error(error: HTTPException):
    status = error.code or 500
    message = (
        error.description if error.description and status not in (404, 500, 503) else MESSAGES.get(status)
    )
    return error_page(status, error.name, message)


def error_page(status: int, title: str, message: str):
    """The page (or, under /api, the JSON) of an error."""
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, title=title, message=message), status


def address_too_long(app: Flask, limit: int) -> Response:
    """The page for a request whose address the server would not read: said in the user's terms,
    made outside any request (the server refuses it before the app sees it), at the archive's
    public address and with the headers every page gets."""
    message = (
        f"This search is too long to send in a web address (the server reads up to {limit:,} bytes; "
        "a Chinese or Japanese character takes 9 of them). The archive searches at most the first "
        f"{MAX_QUERY_CHARS:,} characters of a query anyway: paste a shorter passage, such as its "
        "most telling sentence."
    )
    with app.test_request_context("/", base_url=app.config.get("BASE_URL") or None):
        page = render_template("error.html", status=414, title="Search too long", message=message)
        return app.process_response(app.make_response((page, 414)))


def index_unavailable(error: IndexUnavailable):
    """No index to search (missing, untrusted): the log says why and what to do; the page says
    so without the server's paths."""
    from flask import current_app

    current_app.logger.error("the index cannot be opened: %s", error)
    return render_error(ServiceUnavailable())


def damaged_article(error: DamagedPayload):
    """An article whose stored copy cannot be read: the other pages keep working; this one says
    what is wrong (the log says which article, and how to rebuild)."""
    from flask import current_app

    current_app.logger.error("on %s: %s; %s", request.path, error, REBUILD)
    return error_page(500, "Article damaged", DAMAGED)


def render_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return render_error(error)
    from flask import current_app

    current_app.logger.exception("unhandled error on %s", request.path)
    return render_error(InternalServerError())
