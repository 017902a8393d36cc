"""Responses as values: route handlers return these, the HTTP layer writes them."""

from __future__ import annotations

import dataclasses

from . import json_render, xml_render

# HTTP.sys sends .NET's HttpStatusCode names as reason phrases ("400 BadRequest"; docs/em_behaviour.md, "JSON representation").
REASONS = {
    200: "OK", 201: "Created", 204: "NoContent", 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden",
    404: "NotFound", 405: "MethodNotAllowed", 500: "InternalServerError", 501: "NotImplemented",
    502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout", 429: "TooManyRequests",
}

JSON_TYPE = "application/json"
# XML charset suffix: not settled by the sources (not documented); utf-8 is what the body declares.
XML_TYPE = "application/xml; charset=utf-8"


@dataclasses.dataclass
class Response:
    status: int
    body: str = ""
    is_json: bool = False
    headers: list = dataclasses.field(default_factory=list)
    raw: bytes | None = None  # control endpoints send ready-made JSON bytes
    truncate: bool = False  # the --truncate-page fault: cut the body in half
    raw_content_type: str | None = None  # the --page-body-file fault: this Content-Type ("" = none)

    @property
    def content_type(self) -> str:
        if self.raw_content_type is not None:
            return self.raw_content_type
        return JSON_TYPE if self.is_json else XML_TYPE


class ApiError(Exception):
    """Raised by handlers for an EM ``Error`` response."""

    def __init__(self, status: int, message: str, headers: list | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


def error_response(status: int, message: str, want_json: bool, headers: list | None = None,
                   casing: str = "pascal") -> Response:
    body = json_render.error(status, message, casing) if want_json else xml_render.error(status, message)
    return Response(status, body, want_json, list(headers or []))
