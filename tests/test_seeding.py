"""The seed: the report's data loads completely, idempotently, and all or nothing."""

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.dialogues.models import AgendaItem, Dialogue, DialogueStatus, ItemKind
from ip4dialogue.dialogues.queries import published_agendas
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution
from ip4dialogue.report.models import Recommendation, Theme
from ip4dialogue.resources import resource_dir
from ip4dialogue.seeding import SeedError, load_seed, read_seed

SEED = resource_dir("seed")
SOURCE = Path(__file__).resolve().parents[2] / "shared" / "source"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A copy of the seed folder that a test may break."""
    return Path(shutil.copytree(SEED, tmp_path / "seed"))


def test_the_five_recommendations_are_verbatim_and_numbered(seeded):
    recommendations = db.session.scalars(select(Recommendation).order_by(Recommendation.number))
    texts = [recommendation.text for recommendation in recommendations]
    assert len(texts) == 5
    assert texts[0].startswith("Recognise and prosecute NATO-IP4 security cooperation")
    assert texts[2] == "Enhance shared understandings of deterrence."


@pytest.mark.skipif(not SOURCE.is_dir(), reason="the shared source folder is not beside the repo")
def test_the_recommendations_match_the_announcement_word_for_word(seeded):
    announcement = (SOURCE / "beyond-alignment-announcement.txt").read_text(encoding="utf-8")
    for text in db.session.scalars(select(Recommendation.text)):
        assert f"- {text}\n" in announcement


def test_every_recommendation_serves_a_theme_and_the_core_themes_are_there(seeded):
    titles = " | ".join(db.session.scalars(select(Theme.title)))
    for words in (
        "China, Russia, Iran and North Korea",
        "deterrence",
        "defence-industrial",
        "Ukraine and Taiwan",
        "not a replacement",
    ):
        assert words in titles
    for recommendation in db.session.scalars(select(Recommendation)):
        assert recommendation.themes


def test_countries_cover_nato_the_ip4_and_others(seeded):
    def group_size(group: CountryGroup) -> int:
        return db.session.scalar(select(func.count()).where(Country.group == group))

    assert group_size(CountryGroup.NATO) == 32
    ip4 = set(db.session.scalars(select(Country.code).where(Country.group == CountryGroup.IP4)))
    assert ip4 == {"AU", "JP", "KR", "NZ"}
    assert db.session.get(Country, "NO").name == "Norway"
    assert group_size(CountryGroup.OTHER) > 0


def test_the_sample_dialogue_is_published_upcoming_and_takes_up_every_recommendation(seeded):
    dialogue = db.session.scalars(select(Dialogue)).one()
    assert dialogue.status == DialogueStatus.PUBLISHED
    assert (dialogue.end_date - dialogue.start_date).days == 1
    assert dialogue.start_date > datetime.now(UTC).date()
    assert 10 <= len(dialogue.items) <= 16
    taken_up = {rec.number for item in dialogue.items for rec in item.recommendations}
    assert taken_up == {1, 2, 3, 4, 5}
    breakouts = [item for item in dialogue.items if item.kind == ItemKind.BREAKOUT]
    assert len(breakouts) >= 2
    assert all(item.capacity and item.signup_required for item in breakouts)
    assert any(item.roles for item in dialogue.items)


def test_the_sample_dialogue_is_convened_by_the_report_s_institutions_lead_first(seeded):
    dialogue = db.session.scalars(select(Dialogue)).one()
    assert [institution.slug for institution in dialogue.institutions] == [
        "ussc",
        "korea-foundation",
    ]
    assert dialogue.conveners == "United States Studies Centre and Korea Foundation"


def test_local_times_are_stored_as_utc_instants(seeded):
    opening = db.session.scalars(
        select(AgendaItem).where(AgendaItem.title.startswith("Opening"))
    ).one()
    # 09:00 in Seoul (UTC+9, no daylight saving) is midnight UTC.
    assert opening.starts_at == datetime(2027, 5, 11, 0, 0, tzinfo=UTC)


def test_seeding_twice_changes_nothing(seeded):
    models = (Country, Theme, Recommendation, Institution, AgendaItem)
    before = {model: count(model) for model in models}
    assert load_seed(SEED) == {}
    assert {model: count(model) for model in before} == before


def test_reseeding_restores_reference_data_but_keeps_organisers_edits(seeded):
    db.session.scalars(select(Theme)).first().title = "Edited by mistake"
    dialogue = db.session.scalars(select(Dialogue)).one()
    dialogue.title = "Renamed by an organiser"
    db.session.commit()

    changes = load_seed(SEED)

    assert changes == {"theme updated": 1}
    assert "Edited by mistake" not in db.session.scalars(select(Theme.title)).all()
    assert db.session.scalars(select(Dialogue.title)).one() == "Renamed by an organiser"


def test_malformed_yaml_is_reported_with_file_and_line_and_nothing_is_loaded(app, seed_copy):
    path = seed_copy / "dialogues" / "seoul-2027.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "title: [unclosed"
    path.write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(SeedError, match=r"seed/dialogues/seoul-2027\.yaml, line \d+"):
        load_seed(seed_copy)
    assert count(Country) == 0
    assert count(Theme) == 0


@pytest.mark.parametrize(
    ("find", "replace", "message"),
    [
        ("timezone: Asia/Seoul", "timezone: Asia/Atlantis", r"line {line}: 'Asia/Atlantis' is"),
        (
            '    start: "09:00"\n    end: "09:30"',
            '    start: "09:00"\n    end: "08:30"',
            r"line \d+: the item ends before it starts",
        ),
        ("recommendations: [4]", "recommendations: [9]", r"unknown recommendation\(s\): 9"),
        ("kind: panel", "kind: lecture", r"'kind' must be one of plenary, keynote"),
        ("room: Seminar Room A", "room: Seminar Room Z", r"unknown room 'Seminar Room Z'"),
        (
            "conveners: [ussc, korea-foundation]",
            "conveners: [ussc, kf]",
            r"line {line}: unknown institution\(s\) in conveners: kf",
        ),
    ],
)
def test_invalid_content_is_reported_precisely_and_nothing_is_loaded(
    app, seed_copy, find, replace, message
):
    path = seed_copy / "dialogues" / "seoul-2027.yaml"
    text = path.read_text(encoding="utf-8")
    assert find in text
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")
    line = text[: text.index(find)].count("\n") + 1

    with pytest.raises(SeedError, match=message.format(line=line)):
        load_seed(seed_copy)
    assert count(Country) == 0
    assert count(Dialogue) == 0


def test_a_missing_field_in_the_report_names_the_file(app, seed_copy):
    path = seed_copy / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  year: 2024\n", ""))

    with pytest.raises(SeedError, match=r"seed/report\.yaml, line \d+: 'year' is required"):
        load_seed(seed_copy)


# Japanese and Korean: the report's unofficial renderings, and the sample dialogue's own.

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def test_every_theme_and_recommendation_has_a_japanese_and_a_korean_rendering():
    report = read_seed(SEED).report
    wanted = [(theme, ("title", "summary")) for theme in report.themes] + [
        (recommendation, ("short_title", "text")) for recommendation in report.recommendations
    ]
    for spec, fields in wanted:
        assert set(spec.translations) == {"ja", "ko"}, spec
        for language, rendering in spec.translations.items():
            assert set(rendering) == set(fields), (spec, language)
            assert all(CJK.search(text) for text in rendering.values()), (spec, language)


def test_seeding_loads_the_renderings_and_the_sample_dialogue_s(seeded):
    deterrence = db.session.scalars(select(Recommendation).filter_by(number=3)).one()
    assert deterrence.translations["ja"]["text"] == "抑止に関する共通理解を深めること。"
    assert deterrence.translations["ko"]["text"] == "억제에 관한 공통된 이해를 증진할 것."
    assert deterrence.text == "Enhance shared understandings of deterrence."  # still the original
    assert all(
        theme.translations.keys() == {"ja", "ko"} for theme in db.session.scalars(select(Theme))
    )

    dialogue = db.session.scalars(select(Dialogue)).one()
    assert dialogue.translations["ja"]["title"] == "第2回インド太平洋安全保障対話"
    assert dialogue.translations["ko"]["title"] == "제2차 인도·태평양 안보 대화"
    assert all(item.translations.keys() == {"ja", "ko"} for item in dialogue.items)
    # What the public sees is the release: it carries them too.
    (agenda,) = published_agendas()
    breakout = next(item for item in agenda.sessions if item.title.startswith("Breakout A"))
    assert breakout.translations["ko"]["title"] == "분과 세션 A: IP4 조정 메커니즘"


def test_reseeding_fills_in_and_restores_the_renderings(seeded):
    """A database seeded before the renderings existed gets them; an edited one is restored,
    as the English is: they are reference data."""
    theme = db.session.scalars(select(Theme)).first()
    theme.translations = {}
    deterrence = db.session.scalars(select(Recommendation).filter_by(number=3)).one()
    deterrence.translations = deterrence.translations | {"ja": {"text": "編集済み"}}
    db.session.commit()

    assert load_seed(SEED) == {"theme updated": 1, "recommendation updated": 1}
    db.session.commit()

    assert set(theme.translations) == {"ja", "ko"}
    assert deterrence.translations["ja"]["text"] == "抑止に関する共通理解を深めること。"
    assert load_seed(SEED) == {}


@pytest.mark.parametrize(
    ("find", "replace", "message"),
    [
        (
            "    translations:\n      ja:",
            "    translations:\n      fr:",
            r"translations are for ja, ko, not 'fr'",
        ),
        (
            "      ja:\n        title: 中国",
            "      ja:\n        slug: 中国",
            r"a translation gives title, summary, not 'slug'",
        ),
        (
            "        short_title: IP4 조정 메커니즘",
            "        short_title: [IP4]",
            r"the ko short_title should be text",
        ),
        (  # text where a mapping belongs (what followed it moved under another key)
            "      ko:\n        short_title: 억제",
            "      ko: 억제\n      kr:\n        short_title: 억제",
            r"the ko translation should be a mapping",
        ),
    ],
)
def test_a_bad_translation_in_the_seed_is_reported_and_nothing_is_loaded(
    app, seed_copy, find, replace, message
):
    path = seed_copy / "report.yaml"
    text = path.read_text(encoding="utf-8")
    assert find in text
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")

    with pytest.raises(SeedError, match=rf"seed/report\.yaml, line \d+: {message}"):
        load_seed(seed_copy)
    assert count(Theme) == 0
