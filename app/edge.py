"""The web app's WSGI edge: what every response carries, whichever part of the app gave
it (a view, an error handler, the tracking middleware):

- the request's id (X-Request-ID: the one it came with when sane, else a new one;
  app.request_ids), which every log line written while the app runs carries too
  (app.logs);
- the app-wide security headers (app.security) the response left unset;
- its time, in the latency histogram by route (app.metrics), from here to its status
  (the tracking middleware counts the hits it answers itself).

Done here, the headers added as plain tuples. As Flask hooks (a call each, their context
look-ups, werkzeug's check of every header they set) the three cost a lone single send
10 % of its instructions (headers 4.6 %, id 3.6 %, histogram 2.1 %); here, about 2.5 %.
"""
import time

from flask import has_request_context, request

from app import logs, request_ids
from app.metrics import UNMATCHED, observe_request


class Edge:
    """WSGI middleware around the app: the request id, the common headers, the time."""

    def __init__(self, wsgi_app, headers: list[tuple[str, str]]):
        self.wsgi_app = wsgi_app
        self.headers = [(name, value, name.lower()) for name, value in headers]

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = request_ids.accept(environ.get("HTTP_X_REQUEST_ID", ""))

        def start(status, headers, exc_info=None):
            if has_request_context():  # Flask answers (its request is still current)
                rule = request.url_rule
                observe_request(rule.rule if rule else UNMATCHED, environ["REQUEST_METHOD"],
                                int(status[:3]), started)
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
