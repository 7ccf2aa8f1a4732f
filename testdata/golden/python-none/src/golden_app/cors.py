"""CORS for the origins in CORS_ORIGINS: the headers RequestContextMiddleware adds.

With no origins configured the middleware never calls this module: no
`Access-Control-*` header is ever sent, and a preflight is an OPTIONS like any other
(405 with `Allow`). A request from an origin that is not listed is served as if it had
no `Origin` at all."""

# What a browser may send: the API's methods, and the request headers it reads.
ALLOW_METHODS = b"GET, HEAD, POST, PUT, DELETE"
ALLOW_HEADERS = b"Content-Type, X-Request-Id"
# Response headers a browser script may read besides the always-safe ones.
EXPOSE_HEADERS = b"Location, X-Request-Id"
# How long a browser may reuse a preflight's answer, in seconds.
MAX_AGE = b"600"


class Cors:
    """The allowed origins, and the headers for a request from one of them."""

    def __init__(self, origins: tuple[str, ...]) -> None:
        self.origins = frozenset(origin.encode("ascii") for origin in origins)

    def allows(self, origin: bytes) -> bool:
        """Whether `origin`, in lowercase, is listed (the listed ones are lowercase)."""
        return origin in self.origins

    @staticmethod
    def response_headers(origin: bytes) -> list[tuple[bytes, bytes]]:
        """For any response to an allowed origin."""
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-expose-headers", EXPOSE_HEADERS),
            (b"vary", b"Origin"),
        ]

    @staticmethod
    def preflight_headers(origin: bytes) -> list[tuple[bytes, bytes]]:
        """For the 204 answer to a preflight from an allowed origin."""
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-methods", ALLOW_METHODS),
            (b"access-control-allow-headers", ALLOW_HEADERS),
            (b"access-control-max-age", MAX_AGE),
            (b"vary", b"Origin"),
        ]
