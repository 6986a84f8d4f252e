"""The web app's WSGI edge: what every response carries, whichever part of the app gave
it (a view, an error handler, the tracking middleware):

- the request's id (X-Request-ID: the one it came with when sane, else a new one;
  app.request_ids), which every log line written while the app runs carries too
  (app.logs);
- the app-wide security headers (app.security) the response left unset.

Added here, on the way out, as plain tuples: as Flask hooks (a call each, their context
look-ups, werkzeug's check of every header they set) they cost a single send about 8 %
of its instructions.
"""
from app import logs, request_ids


class Edge:
    """WSGI middleware around the app: the request id, then the common headers."""

    def __init__(self, wsgi_app, headers: list[tuple[str, str]]):
        self.wsgi_app = wsgi_app
        self.headers = [(name, value, name.lower()) for name, value in headers]

    def __call__(self, environ, start_response):
        request_id = request_ids.accept(environ.get("HTTP_X_REQUEST_ID", ""))

        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            return start_response(status, [
                *headers, *((name, value) for name, value, lower in self.headers
                            if lower not in present),
                (request_ids.HEADER, request_id)], exc_info)

        token = logs.request_id.set(request_id)
        try:
            return self.wsgi_app(environ, start)
        finally:
            logs.request_id.reset(token)
