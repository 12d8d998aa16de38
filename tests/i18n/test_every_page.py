"""Every page a visitor or an expert can open, in Japanese and in Korean: it says so in its
`lang`, and shows no English sentence of ours. What organisers typed (titles, names, rooms)
stays as typed where no translation was given, and what is marked as English (the report's
title, the originals beside unofficial renderings) is meant to be."""

import re

import pytest
from flask import Flask
from sqlalchemy import String, Text, select

from ip4dialogue.extensions import db
from ip4dialogue.models import (
    AgendaItem,
    Dialogue,
    Institution,
    Participant,
    Report,
    Room,
)
from ip4dialogue.registration.models import Question
from tests.helpers import english_in, read_languages, url_for_rule

# Organisers' pages (their login, team and account pages too) may stay in English.
ORGANISERS = re.compile(r"^/(organise|login|logout|account|team|site)")
NOT_PAGES = re.compile(r"\.(ics|csv|xlsx|atom|pdf|docx|xml|json)$|^/(static|healthz|api/)")
TYPED = (Dialogue, AgendaItem, Room, Participant, Institution, Report, Question)
# Time zones by their IANA names (America/Port-au-Prince): identifiers, not English.
ZONE_ID = re.compile(r"\b[A-Z][A-Za-z_]+(?:/[A-Za-z_+-]+)+")


def typed_text() -> list[str]:
    """What organisers and registrants typed, longest first, so it is taken out whole."""
    found: set[str] = set()
    for model in TYPED:
        columns = [
            column
            for column in model.__table__.columns
            if isinstance(column.type, String | Text) and column.name != "translations"
        ]
        for row in db.session.execute(select(*columns)):
            found.update(value for value in row if isinstance(value, str) and len(value) > 3)
    return sorted(found, key=len, reverse=True)


def visitor_pages(app: Flask, world: dict) -> list[str]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" in rule.methods and not NOT_PAGES.search(rule.rule):
            url = url_for_rule(app, rule, world)
            if not ORGANISERS.search(url):
                urls.append(url)
    return urls


def english_left(page: str, typed: list[str]) -> list[str]:
    """Runs of English words, outside what is marked English and what people typed."""
    text, _ = read_languages(page.split("<body", 1)[1].split(">", 1)[1])
    return english_in(ZONE_ID.sub(" ", text), typed)


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_every_visitor_page_speaks_the_language_chosen(app, world, language):
    typed = typed_text()
    problems = []
    for url in visitor_pages(app, world):
        client = app.test_client()
        response = client.get(f"{url}{'&' if '?' in url else '?'}lang={language}")
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        if f'<html lang="{language}">' not in response.text:
            problems.append(f"{url}: not marked as {language}")
        problems += [f"{url}: “{words}”" for words in english_left(response.text, typed)]
    assert not problems, "\n".join(problems)
