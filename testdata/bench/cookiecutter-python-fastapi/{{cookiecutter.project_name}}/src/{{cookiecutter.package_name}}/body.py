"""JSON request bodies, read the contract's way: 415 unless the content type is JSON and
the body is not encoded, 400 unless it is strict JSON, and numbers with JSON Schema's
meaning (924.0 and 1e3 are integers). ContractRoute puts this under every route of the
API; FastAPI then validates the parsed value against the route's pydantic model."""

import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from .problems import ProblemError

# Numbers with more digits than this are outside every bound of the API; they are read as
# a stand-in of the same sign past every bound, so that validation reports them where
# they are (422 at /quantity) instead of Python's int() refusing 4,300 digits and more.
_MAX_DIGITS = 18
_BEYOND: int = 10**_MAX_DIGITS


def is_json_content_type(content_type: str | None) -> bool:
    """`application/json` or any `application/*+json`, parameters allowed, any case."""
    if content_type is None:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application":
        return False
    return subtype == "json" or (subtype.endswith("+json") and len(subtype) > len("+json"))


def _integer(text: str) -> int:
    if len(text) - text.startswith("-") > _MAX_DIGITS:
        return -_BEYOND if text.startswith("-") else _BEYOND
    return int(text)


def _number(text: str) -> int | float:
    """A JSON number with a fraction or an exponent: an int when its value is whole
    (JSON Schema's integer), else a float."""
    value = Decimal(text)
    if value != value.to_integral_value():
        return float(text)
    if value.adjusted() >= _MAX_DIGITS:
        return -_BEYOND if value < 0 else _BEYOND
    return int(value)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(body: bytes) -> Any:
    """Strict UTF-8 JSON (no BOM, NaN, Infinity or unpaired surrogate); ProblemError 400
    otherwise. Of a repeated key, the last one wins (as in JSON.parse)."""
    try:
        text = body.decode("utf-8")
        value = json.loads(
            text, parse_int=_integer, parse_float=_number, parse_constant=_reject_constant
        )
        if "\\u" in text:
            # A lone surrogate (\ud800) parses, but could never be encoded back to UTF-8.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except RecursionError:
        # Deeper than Python's parser recurses: valid JSON that is not an object is still
        # reported as such (422 at ""); an object nested that deep is malformed (400).
        if not text.lstrip(" \t\n\r").startswith("{") and _is_json(text):
            return []
    except ValueError:
        pass
    raise ProblemError(400, "The request body is not valid JSON.")


_TOKEN = re.compile(
    r'[ \t\n\r]*(?:([\[\]{},:])|("(?:[^"\\\x00-\x1f]|\\.)*")'
    r"|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null))"
)


def _is_json(text: str) -> bool:
    """Whether `text` is one JSON value, at any depth: a parser without recursion."""
    stack: list[str] = []  # the open brackets
    want = "value"  # value, value-or-], key, key-or-}, colon, next
    pos = 0
    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            return want == "next" and not stack and not text[pos:].strip(" \t\n\r")
        pos = match.end()
        punct, string, _scalar = match.groups()
        if string is not None:
            try:
                json.loads(string).encode("utf-8")
            except ValueError:
                return False
        if want in ("key", "key-or-}"):
            if string is not None:
                want = "colon"
            elif punct == "}" and want == "key-or-}":
                stack.pop()
                want = "next"
            else:
                return False
        elif want == "colon":
            if punct != ":":
                return False
            want = "value"
        elif want in ("value", "value-or-]"):
            if punct == "]" and want == "value-or-]":
                stack.pop()
                want = "next"
            elif punct in ("[", "{"):
                stack.append(punct)
                want = "value-or-]" if punct == "[" else "key-or-}"
            elif punct is None:
                want = "next"
            else:
                return False
        else:  # next: after a value
            if not stack:
                return False
            if punct == ",":
                want = "value" if stack[-1] == "[" else "key"
            elif punct == ("]" if stack[-1] == "[" else "}"):
                stack.pop()
            else:
                return False


class JsonRequest(Request):
    """A request whose json() follows parse_json: FastAPI calls it to read a body."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


class ContractRoute(APIRoute):
    """A route whose JSON body is checked in the contract's order before FastAPI reads
    it: 415 for a content type that is not JSON or for any Content-Encoding, 400 for an
    empty body; JsonRequest then answers 400 for malformed JSON. (413 came first, in
    RequestContextMiddleware; 404 for an unknown id comes from the route's dependency,
    which FastAPI runs before it validates the body: 422 comes last.)"""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def json_route(request: Request) -> Response:
            headers = request.headers
            if not is_json_content_type(headers.get("content-type")):
                raise ProblemError(415, "The request body must be application/json.")
            if "content-encoding" in headers:
                raise ProblemError(415, "The request body must not be encoded (Content-Encoding).")
            request = JsonRequest(request.scope, request.receive)
            if not await request.body():
                raise ProblemError(400, "The request body is empty; send a JSON object.")
            return await handler(request)

        return json_route
