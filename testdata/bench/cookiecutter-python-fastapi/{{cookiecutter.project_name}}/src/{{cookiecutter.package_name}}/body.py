"""JSON request bodies: 415 unless the content type is JSON, then 400 unless it parses."""

import json
from typing import Annotated, Any

from fastapi import Depends, Request

from .problems import ProblemError


def is_json_content_type(content_type: str | None) -> bool:
    """`application/json` or any `application/*+json`, parameters allowed."""
    if content_type is None:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application":
        return False
    return subtype == "json" or (subtype.endswith("+json") and len(subtype) > len("+json"))


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(body: bytes) -> Any:
    """Parse strict UTF-8 JSON (no NaN or Infinity); raise ValueError otherwise."""
    text = body.decode("utf-8")
    value = json.loads(text, parse_constant=_reject_constant)
    if "\\u" in text:
        # A lone surrogate (\ud800) parses, but could never be encoded back to UTF-8.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    return value


async def json_body(request: Request) -> Any:
    """The parsed body of a route that takes JSON. RequestContextMiddleware has already
    answered 413; unknown paths and wrong methods never get here, so 404 and 405 win."""
    if not is_json_content_type(request.headers.get("content-type")):
        raise ProblemError(415, "The request body must be application/json.")
    try:
        return parse_json(await request.body())
    except (ValueError, RecursionError):
        raise ProblemError(400, "The request body is not valid JSON.") from None


JsonBody = Annotated[Any, Depends(json_body)]
