"""The Japanese and Korean catalogues hold every message the code and templates ask for, each
translated, none fuzzy, and each keeping the placeholders of its English: a broken one fails
here rather than in a request."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, TranslationError
from babel.messages.checkers import checkers
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from ip4dialogue.i18n import LANGUAGES

PROJECT = Path(__file__).resolve().parents[2]
TRANSLATED = sorted(set(LANGUAGES) - {"en"})
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def extracted() -> set[str]:
    """Every message the sources ask for, extracted as `make translations` does."""
    with (PROJECT / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    found = extract_from_dir(
        str(PROJECT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    )
    return {message if isinstance(message, str) else message[0] for *_, message, _, _ in found}


def catalogue(language: str) -> Catalog:
    with (PROJECT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def asked() -> set[str]:
    return extracted()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_asked_for_is_in_the_catalogue(asked, language):
    held = {_forms(message.id)[0] for message in catalogue(language) if message.id}
    missing = sorted(asked - held)
    assert not missing, f"not in the {language} catalogue (run `make translations`): {missing[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    unfinished = [
        message.id
        for message in catalogue(language)
        if message.id and (message.fuzzy or not all(_forms(message.string)))
    ]
    assert not unfinished, f"untranslated or fuzzy in {language}: {unfinished[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_of_their_english(language):
    """Each placeholder of the English kept, none invented; a plural form may leave one out
    (Japanese and Korean have one form where English says "1 seat")."""
    translations = catalogue(language)
    broken = []
    for message in translations:
        if not message.id:
            continue
        english = set(PLACEHOLDER.findall(_forms(message.id)[0]))
        for translated in _forms(message.string):
            used = set(PLACEHOLDER.findall(translated))
            if used - english or (message.pluralizable is False and used != english):
                broken.append(message.id)
            try:  # as a page formats it, whatever its values: a stray % would fail there
                translated % _AnyValues()
            except (ValueError, TypeError) as problem:
                broken.append(f"{message.id}: {problem}")
        for checker in checkers:
            try:
                checker(translations, message)
            except TranslationError as problem:
                broken.append(f"{message.id}: {problem}")
    assert not broken, f"placeholders broken in {language}: {broken[:10]}"


class _AnyValues(dict):
    """Values for any placeholder a translation names."""

    def __missing__(self, key: str) -> int:
        return 1


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return (text,) if isinstance(text, str) else tuple(text)
