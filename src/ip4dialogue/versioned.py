"""Files served by version (calendar feeds, schedule files, the briefing book): a client
holding the current copy gets a 304 before anything is built, and a file is built once per
version and then served from the cache (Redis when configured, shared by all workers), so
polling clients and repeated downloads cost a query, not a build."""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from flask import Response, request

from ip4dialogue.extensions import cache

CACHE_SECONDS = 300  # a version's file is kept this long after it was last built


class Version(Protocol):
    """What a file depends on, as an ETag, and when it last changed."""

    @property
    def etag(self) -> str: ...

    @property
    def last_modified(self) -> datetime: ...


def versioned_file(
    version: Version, build: Callable[[], bytes], content_type: str, kind: str
) -> Response:
    """The file of this version (`kind` names its cached copies), or 304 when the client's
    copy is current; always revalidated, which is cheap, so that changes show at once."""
    response = Response(content_type=content_type)
    response.set_etag(version.etag)
    response.last_modified = version.last_modified
    response.cache_control.no_cache = True
    response.make_conditional(request)
    if response.status_code == 304:
        return response
    key = f"{kind}:{version.etag}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, timeout=CACHE_SECONDS)
    response.set_data(data)
    return response
