"""Secrets in links (manage pages, invitations): random, and stored only as digests."""

import hashlib
import secrets


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """A random URL-safe secret (256 bits) and the digest we store instead of it."""
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)
