"""URL length, bounded on every surface: a request target past MAX_URL_BYTES is a 414.

The API answers it as problem JSON (its handlers), the console with its error page.
Gunicorn reads the request line first and refuses one past its own limit, which the
Procfile sets above ours; app.web_worker makes that refusal problem JSON too.
"""

from flask import abort, request

from app import herald_config


def init_app(app) -> None:
    app.before_request(refuse_long_urls)


def refuse_long_urls() -> None:
    """Before every request: 414 if the path and query are longer than MAX_URL_BYTES."""
    limit = herald_config().MAX_URL_BYTES
    if target_length(request.environ) > limit:
        abort(414, f"The URL is longer than {limit} bytes. Send fewer or shorter "
                   "query parameters.")


def target_length(environ) -> int:
    """The request target's length as sent, or as rebuilt where a server does not say."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:
        raw = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
    return len(raw)  # WSGI strings hold one character per byte
