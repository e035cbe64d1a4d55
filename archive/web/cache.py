"""Responses cached per index version: the same URL on the same index is the same page.

A repeated search (the back button, a shared link, a facet switched off again, the next reader
of a popular query) then costs a dictionary lookup instead of a search and a render. A reindex
starts a new version, so a cached page is never stale. Browsers get an ETag, revalidate
every time (Cache-Control: no-cache) and receive 304 while the index is unchanged.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import Flask, current_app, make_response, request

from ..lru import LRU
from .store import get_handle

MAX_BYTES = 32 * 2**20
EXTENSION = "archive-pages"


def cached(view):
    """Serve the view's response from the cache while the index version is unchanged."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = (get_handle().version(), request.host_url, request.full_path)
        etag = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=12).hexdigest()
        cache: LRU = current_app.extensions[EXTENSION]
        entry = cache.get(key)
        if entry is None:
            response = make_response(view(*args, **kwargs))
            entry = (response.get_data(), response.status_code, list(response.headers.items()))
            if response.status_code < 500:  # a failure may not happen next time
                cache.put(key, entry)
        body, status, headers = entry
        response = current_app.response_class(body, status=status, headers=headers)
        if status != 200:
            return response
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)

    return wrapper


def init_app(app: Flask) -> None:
    # Rendered responses by (index version, host, path and query), bounded in bytes.
    app.extensions[EXTENSION] = LRU(MAX_BYTES, size=lambda entry: len(entry[0]))
