"""Pages of a list: `?page=` and `?per_page=` read strictly (a page size of -1 or "ten" is
refused with a reason), a page size beyond the maximum clamped and said to be, and the
links to the neighbouring pages."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from ip4dialogue.bounds import PAGE_MAX
from ip4dialogue.extensions import db

T = TypeVar("T")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_DIGITS = 1000  # a number of any size is clamped; a wall of digits is refused unread


class BadParameter(ValueError):
    """A query parameter the API cannot use; its message says why."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int
    requested: int  # the page size asked for, before clamping

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _positive(arguments: Mapping[str, str], name: str, default: int) -> int:
    raw = arguments.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_DIGITS:
        raise BadParameter(name, f"`{name}` must be a whole number from 1; got {raw[:40]!r}.")
    number = int(raw)
    if number < 1:
        raise BadParameter(name, f"`{name}` must be a whole number from 1; got {number}.")
    return number


def whole_number(arguments: Mapping[str, str], name: str) -> int | None:
    """A whole number from 1 that `arguments` may hold (a filter), or None without one."""
    return _positive(arguments, name, 0) or None


def page_request(arguments: Mapping[str, str]) -> PageRequest:
    """The page asked for in `arguments` (a request's query string)."""
    page = _positive(arguments, "page", 1)
    if page > PAGE_MAX:
        raise BadParameter("page", f"`page` goes up to {PAGE_MAX}; got {page}.")
    requested = _positive(arguments, "per_page", DEFAULT_PER_PAGE)
    return PageRequest(page, min(requested, MAX_PER_PAGE), requested)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    request: PageRequest
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def has_next(self) -> bool:
        return self.request.page < self.pages

    @property
    def has_previous(self) -> bool:
        return 1 < self.request.page <= self.pages + 1


def page_of_list(items: Sequence[T], request: PageRequest) -> Page[T]:
    """A page of a list already in memory (a release's sessions)."""
    window = items[request.offset : request.offset + request.per_page]
    return Page(list(window), request, len(items))


def page_of_query(query: Select[tuple[T]], request: PageRequest) -> Page[T]:
    """A page of rows: the count and the page, two queries, whatever the total."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(request.per_page).offset(request.offset))
    return Page(list(rows.unique()), request, total or 0)
