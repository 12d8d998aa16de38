"""Response headers that keep pages from being framed, sniffed, leaked or run foreign code.

The pages carry no inline script or style, so the Content-Security-Policy can forbid both
outright; every script and stylesheet is served from this site.
"""

from flask import Flask, Response, abort, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
# Pages that show one person's data, or organisers' data: never kept by browsers or proxies.
PRIVATE_PREFIXES = ("/registrations/", "/organise", "/login", "/consent/", "/team/")


def secure_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Private links must not travel to other sites in the Referer header.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if (
        request.path.startswith(PRIVATE_PREFIXES)
        or request.path.endswith("/register")
        or _logged_in()
    ):
        headers["Cache-Control"] = "no-store"
    return response


def _logged_in() -> bool:
    """Whether the visitor carries an organiser's login, read from the session cookie alone:
    the headers must not need the database, which may be the reason for the response."""
    return "_user_id" in session


def refuse_nul() -> None:
    """A NUL byte in a URL is never meant, and some databases cannot even compare with it."""
    if "\x00" in request.path or any("\x00" in value for value in request.args.values()):
        abort(400)


def register(app: Flask) -> None:
    app.before_request(refuse_nul)
    app.after_request(secure_headers)
    if app.config["SESSION_COOKIE_SECURE"]:

        @app.after_request
        def strict_transport(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response
