"""Test helpers that are not fixtures."""

import email
import email.policy
import html
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import Rule

from ip4dialogue.bounds import ID_MAX
from ip4dialogue.database import utcnow
from ip4dialogue.people.models import Profile, Sector
from ip4dialogue.registration import services
from ip4dialogue.unit_of_work import transaction

T = TypeVar("T")

# A registration form as an expert fills it in, all but the address.
REGISTRATION_FORM = {
    "name": "Dr Kim",
    "affiliation": "KIDA",
    "country_code": "KR",
    "sector": "think_tank",
    "consent_data_processing": "y",
    "consent_chatham_house": "y",
}


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(engine: Engine) -> Iterator[QueryLog]:
    """Record the SQL statements `engine` runs inside the block (after Indico's helper)."""
    log = QueryLog()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)


def visible_text(page: str) -> str:
    """A page's text as a reader sees it: no tags, entities decoded, white space folded."""
    body = page.split("<body", 1)[-1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", body)))


# Three English words in a row: a sentence of ours, or most of one, left untranslated.
ENGLISH_WORDS = re.compile(r"[A-Za-z][a-z’']+(?:[ ,:;–-]+[A-Za-z][a-z’']+){2,}")


def english_in(text: str, typed: Iterable[str] = ()) -> list[str]:
    """The runs of English words in a page or mail in another language, leaving out what
    people typed (titles, names), which stays as typed where no translation was given."""
    for value in typed:
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    return ENGLISH_WORDS.findall(text)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _LanguageReader(HTMLParser):
    """A page split as a reader of the page's language meets it: the text in that language,
    what is marked as English (originals, proper titles), and rapporteurs' prose, shown as
    written, in neither."""

    def __init__(self) -> None:
        super().__init__()
        self.within: list[str] = []  # "page", "en" or "prose", innermost last
        self.parts: dict[str, list[str]] = {"page": [], "en": [], "prose": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attributes = dict(attrs)
        if "prose" in (attributes.get("class") or "").split():
            self.within.append("prose")
        elif attributes.get("lang") == "en":
            self.within.append("en")
        else:
            self.within.append(self.within[-1] if self.within else "page")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.within:
            self.within.pop()

    def handle_data(self, data: str) -> None:
        self.parts[self.within[-1] if self.within else "page"].append(data)


def read_languages(fragment: str) -> tuple[str, str]:
    """The text of an HTML fragment in the page's own language, and the text marked English."""
    reader = _LanguageReader()
    reader.feed(fragment)
    return tuple(re.sub(r"\s+", " ", "".join(reader.parts[part])) for part in ("page", "en"))  # type: ignore[return-value]


def parse_email(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def outbox(app: object) -> list[EmailMessage]:
    """The messages written to the instance folder's outbox, oldest first."""
    folder = Path(app.instance_path) / "outbox"  # type: ignore[attr-defined]
    return [parse_email(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


def text_body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message: EmailMessage, path_start: str) -> str:
    """The path of the first link in a message's text that starts with `path_start`, without
    the `lang` a mail's links to pages end with (`lang_of_link` reads it)."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"\S*)", text_body(message))
    assert match, text_body(message)
    return re.sub(r"[?&]lang=\w+$", "", match.group(1))


def lang_of_link(message: EmailMessage, path_start: str) -> str | None:
    """The language the first link starting with `path_start` opens its page in."""
    match = re.search(re.escape(path_start) + r"\S*[?&]lang=(\w+)", text_body(message))
    return match.group(1) if match else None


def confirm_from(client: Any, message: EmailMessage) -> str:
    """Confirm an address with the link a message carries, as the expert would (the page, in
    the mail's language, then its button); returns the path of their private page."""
    link = link_in(message, "/registrations/confirm/")
    assert 'method="post"' in client.get(link).get_data(as_text=True)
    response = client.post(link)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def committed(use_case: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a use case as a request or command would: its own unit of work, committed (and its
    mail sent) when it returns."""
    with transaction():
        return use_case(*args, **kwargs)


def application(email: str, **overrides: Any) -> services.Application:
    """What an expert sends from the registration form, with sensible answers."""
    profile = Profile(
        name=overrides.pop("name", email.split("@")[0].title()),
        affiliation=overrides.pop("affiliation", "An Institute"),
        position="Fellow",
        country_code=overrides.pop("country_code", "KR"),
        sector=Sector.THINK_TANK,
        home_timezone=overrides.pop("home_timezone", "Asia/Seoul"),
    )
    details = services.Details(profile)
    fields = {"consent_data_processing": True, "consent_chatham_house": True} | overrides
    return services.Application(email=email, details=details, **fields)


def register(
    dialogue: Any,
    email: str,
    *,
    code: str | None = None,
    confirm: bool = True,
    **overrides: Any,
) -> services.Outcome:
    """An expert registers at a dialogue's desk, as the registration form would have them,
    and (unless `confirm` is false) confirms the address from the email; the outcome then
    carries the private link the confirmation gave."""
    now = utcnow()
    desk = services.desk(dialogue.slug, code, now)
    outcome = committed(services.register, desk, application(email, **overrides), now)
    if confirm and outcome.confirmation:
        return services.Outcome(token=confirm_address(outcome.confirmation, now))
    return outcome


def confirm_address(token: str, now: datetime) -> str:
    """Confirm an address with the token its email carries, as the link's button does;
    returns the token of the private link it gives."""
    return committed(lambda: services.confirm(services.confirmation(token, now), now))


def release(dialogue: Any, note: str = "") -> Any:
    """Publish a dialogue's working copy as its next release, as a command would."""
    from ip4dialogue.dialogues.services import publish

    return committed(publish, dialogue, None, note, utcnow())


def get(url: str) -> tuple[int, str]:
    """GET a page from a server the test started, as a browser would."""
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, response.read().decode()


def wait_until_serving(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    """Wait for a server the test started to answer `url`, failing early if it exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}")
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {seconds} s")


CHOICES = {"decision", "direction"}  # arguments that name a choice of a few, not an object
# The world's token for the endpoints whose token is not a registration's private link, and
# the query a page needs to show what it is for (an invitation's code).
TOKENS = {
    "registration.confirm": "confirmation",
    "dialogues.consent_answer": "consent",
    "accounts.join": "team_token",
    "accounts.new_password": "password_token",
}
QUERIES = {"registration.decline_invitation": ("code",)}


def url_for_rule(
    app: Flask, rule: Rule, world: dict[str, Any], missing: Collection[str] = ()
) -> str:
    """The rule's URL with the world's real objects, or with ids and tokens that name
    nothing for the arguments in `missing`."""
    values = {name: world[name] for name in QUERIES.get(rule.endpoint, ())}
    for name in rule.arguments:
        real = world[TOKENS[rule.endpoint]] if rule.endpoint in TOKENS else world[name]
        if name in missing and name not in CHOICES:
            real = ID_MAX if isinstance(real, int) else "y" * 43
        values[name] = real
    return app.url_map.bind("localhost").build(rule.endpoint, values)
