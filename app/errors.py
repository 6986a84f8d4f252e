"""Errors raised by app.core that the API and console turn into 4xx responses."""


class HeraldError(Exception):
    """Base class for errors caused by the caller's input or state."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str = "", errors: list[dict] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        # [{"field": "recipients/3/phone", "message": "not a valid E.164 number"}, ...]
        self.errors = errors or []


class ValidationFailed(HeraldError):
    status = 422
    title = "Validation failed"


class NotFound(HeraldError):
    status = 404
    title = "Not found"


class Conflict(HeraldError):
    status = 409
    title = "Conflict"
