"""The reader's language: English, Japanese or Korean.

A page speaks the language `?lang=` asks for (the switcher's links; a cookie then keeps it),
else the one the cookie kept, else the best the browser's Accept-Language offers, else
English. Anything unknown falls back to English, never to an error. Mails are not written in
the reader's language but in the recipient's: `speaking(language)` around what composes them.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from babel import Locale
from flask import Flask, Response, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, refresh
from sqlalchemy import JSON, CheckConstraint, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ip4dialogue.resources import resource_dir

# Each language by its code, named in itself: the switcher shows what a reader can read.
LANGUAGES = {"en": "English", "ja": "日本語", "ko": "한국어"}
DEFAULT = "en"
# Babel's locale for each: British English spelling and dates, as the site always had.
LOCALES = {"en": "en_GB", "ja": "ja", "ko": "ko"}
COOKIE = "lang"
COOKIE_DAYS = 365

babel = Babel()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


def known(language: str | None) -> str:
    """`language` if the site speaks it, else English."""
    return language if language in LANGUAGES else DEFAULT


def _asked() -> str | None:
    """The language `?lang=` asks for, when it is one the site speaks."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else None


def reader_language() -> str:
    """The language of the page being served (English outside a request)."""
    if not has_request_context():
        return DEFAULT
    kept = request.cookies.get(COOKIE)
    return (
        _asked()
        or (kept if kept in LANGUAGES else None)
        or request.accept_languages.best_match(LANGUAGES)
        or DEFAULT
    )


def current_language() -> str:
    """The language being written in now: the reader's, or a mail recipient's."""
    locale = get_locale()
    return known(locale.language if locale else None)


def babel_locale() -> Locale:
    """Babel's locale for the language being written, for dates and numbers: also outside a
    request (a model's message in a test, a CLI command), where it is English."""
    return Locale.parse(LOCALES[current_language()])


def _select_locale() -> str:
    return LOCALES[reader_language()]


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Write in `language` (English if unknown) whatever the reader's: for mails and files
    made for someone other than the person at the keyboard."""
    with force_locale(LOCALES[known(language)]):
        yield


def language_column() -> Mapped[str]:
    """A person's language, for every mail to them: English unless they choose otherwise."""
    return mapped_column(String(8), default=DEFAULT, server_default=DEFAULT)


def known_language() -> CheckConstraint:
    """The database refuses a language the site does not speak."""
    codes = ", ".join(f"'{code}'" for code in LANGUAGES)
    return CheckConstraint(f"language IN ({codes})", name="known_language")


class Translatable:
    """A model whose text organisers may also give in Japanese and Korean:
    `translations` holds, per language, the fields given, e.g. {"ja": {"title": "..."}}."""

    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )


def translated(thing: Any, field: str) -> str:
    """`thing`'s `field` in the language being written, or the original where none is given:
    for models that are `Translatable` and the released copies of them."""
    given = (getattr(thing, "translations", None) or {}).get(current_language(), {})
    return given.get(field) or getattr(thing, field)


def language_links() -> list[LanguageLink]:
    """The switcher: this page in each language, its arguments kept. The links are relative
    and built from the path alone: nothing a visitor sends picks the host or the route, and
    a path of slashes cannot become a link to another site."""
    current = current_language()
    path = "/" + quote(request.script_root + request.path).lstrip("/")
    kept = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    return [
        LanguageLink(code, name, f"{path}?{urlencode([*kept, ('lang', code)])}", code == current)
        for code, name in LANGUAGES.items()
    ]


def keep_choice(response: Response) -> Response:
    """Remember a language chosen with `?lang=`; say that pages vary with the choice."""
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    asked = _asked()
    # Pages remember the choice; files and the API's JSON answer in it, and set no cookie.
    if asked and response.mimetype == "text/html" and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_DAYS * 24 * 3600,
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=str(resource_dir("translations")),
    )
    # {% trans %} blocks fold their whitespace, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.add_template_global(language_links)
    app.add_template_global(current_language)
    app.add_template_global(LANGUAGES, "LANGUAGES")
    app.add_template_filter(translated)
    # Babel keeps the locale in the app context, which a request shares with one already
    # pushed (a CLI command's, a test's): each request chooses afresh.
    app.before_request(refresh)
    app.after_request(keep_choice)
