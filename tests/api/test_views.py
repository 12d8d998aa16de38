"""The API's answers: what each endpoint says, people named exactly as the programme page
names them, pages of lists, ETags and 304s, JSON errors, and no cookie."""

import re

import pytest

from ip4dialogue.api.models import TokenScope
from ip4dialogue.api.pagination import MAX_PER_PAGE
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus, Role
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.report.models import Series
from ip4dialogue.report.queries import current_series
from tests.api.conftest import bearer
from tests.helpers import release, visible_text

REGISTRATIONS = TokenScope.REGISTRATIONS
EVERY_GET = (
    "/series",
    "/dialogues",
    "/dialogues/seoul",
    "/dialogues/seoul/releases",
    "/dialogues/seoul/sessions",
    "/dialogues/seoul/sessions/{item}",
    "/report",
    "/dialogues/seoul/registrations",
    "/openapi.json",
)
LISTS = (
    "/series",
    "/dialogues",
    "/dialogues/seoul/releases",
    "/dialogues/seoul/sessions",
    "/dialogues/seoul/registrations",
)


def get(client, api, path: str, **kwargs):
    """GET an API path, with the registrations token of seoul (it opens every path there)."""
    headers = bearer(api.tokens[("seoul", REGISTRATIONS)])
    return client.get(f"/api/v1{path.format(item=api.item_id)}", headers=headers, **kwargs)


def test_the_dialogues_are_the_public_ones(client, api):
    body = client.get("/api/v1/dialogues").json
    slugs = [dialogue["slug"] for dialogue in body["data"]]
    assert {"seoul", "other"} <= set(slugs)
    assert "draft" not in slugs
    assert body["pagination"]["total"] == len(slugs)


def test_a_dialogue_names_its_release_and_zone(client, api):
    body = client.get("/api/v1/dialogues/seoul").json
    assert body["title"] == "Seoul round"
    assert body["timezone"] == "Asia/Seoul"
    assert body["chatham_house"] is True
    assert body["release"]["number"] == 1
    releases = client.get("/api/v1/dialogues/seoul/releases").json["data"]
    assert [(r["number"], r["sessions"]) for r in releases] == [(1, 2)]
    assert {change["what"] for change in releases[0]["changes"]} == {"new"}


def test_sessions_carry_themes_recommendations_room_and_times_in_utc_and_the_zone(client, api):
    sessions = client.get("/api/v1/dialogues/seoul/sessions").json["data"]
    assert [s["title"] for s in sessions] == ["Opening panel", "Day two breakout"]
    opening = sessions[0]
    assert opening["id"] == api.item_id
    assert opening["room"] == "Hall A"
    assert len(opening["themes"]) == 1
    assert opening["recommendations"][0]["number"] >= 1
    assert opening["starts_at"] == "2027-05-11T00:00:00Z"  # 09:00 in Seoul
    assert opening["local"] == {
        "timezone": "Asia/Seoul",
        "starts_at": "2027-05-11T09:00:00+09:00",
        "ends_at": "2027-05-11T10:00:00+09:00",
    }
    one = client.get(f"/api/v1/dialogues/seoul/sessions/{api.item_id}").json
    assert one == opening


def test_a_speaker_who_did_not_consent_is_absent_exactly_as_on_the_programme_page(client, api):
    session = client.get(f"/api/v1/dialogues/seoul/sessions/{api.item_id}").json
    page = visible_text(client.get(f"/dialogues/seoul/items/{api.item_id}").text)

    assert session["people"] == [{"role": "speaker", "name": "Named Speaker", "affiliation": ""}]
    assert session["unnamed"] == 1
    assert "Named Speaker" in page
    assert "Hidden Speaker" not in page
    listed = client.get("/api/v1/dialogues/seoul/sessions").text
    assert "Hidden Speaker" not in listed


def test_consent_given_later_names_the_speaker_and_changes_the_etag(client, api):
    path = f"/api/v1/dialogues/seoul/sessions/{api.item_id}"
    before = client.get(path)
    hidden = db.session.query(Participant).filter_by(name="Hidden Speaker").one()
    hidden.answer_consent(True)
    db.session.commit()

    after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert {person["name"] for person in after.json["people"]} == {
        "Named Speaker",
        "Hidden Speaker",
    }


def test_sessions_filter_by_day_theme_kind_and_recommendation(client, api):
    def titles(query: str) -> list[str]:
        response = client.get(f"/api/v1/dialogues/seoul/sessions?{query}")
        assert response.status_code == 200, response.json
        return [s["title"] for s in response.json["data"]]

    opening = client.get("/api/v1/dialogues/seoul/sessions").json["data"][0]
    theme, recommendation = opening["themes"][0]["slug"], opening["recommendations"][0]["number"]
    assert titles("day=2027-05-12") == ["Day two breakout"]
    assert titles(f"theme={theme}") == ["Opening panel"]
    assert titles("theme=no-such-theme") == []
    assert titles(f"recommendation={recommendation}") == ["Opening panel"]
    assert titles(f"recommendation={recommendation}&kind=breakout") == []
    assert titles("kind=breakout") == ["Day two breakout"]
    assert titles("day=2030-01-01") == []
    for bad in (
        "day=tomorrow",
        "day=2027-02-30",
        "day=2027-W19-2",
        "kind=party",
        "recommendation=0",
    ):
        response = client.get(f"/api/v1/dialogues/seoul/sessions?{bad}")
        assert response.status_code == 400
        assert response.json["parameter"] == bad.split("=")[0]


def test_the_report_lists_themes_and_recommendations_with_their_uptake(client, api):
    body = client.get("/api/v1/report").json
    assert len(body["recommendations"]) == 5
    assert body["themes"]
    assert sum(r["sessions"] for r in body["recommendations"]) >= 1


def test_the_series_lists_its_public_editions(client, api, make):
    dialogue = db.session.get(Dialogue, api.dialogue_id)
    dialogue.series = current_series()
    db.session.commit()
    body = client.get("/api/v1/series").json
    editions = {e["slug"] for s in body["data"] for e in s["editions"]}
    assert "seoul" in editions
    assert "draft" not in editions
    db.session.add(Series(slug="next-series", title="A series being planned"))
    db.session.commit()
    assert "next-series" not in {s["slug"] for s in client.get("/api/v1/series").json["data"]}


def test_registrations_are_personal_data_never_cached(client, api):
    response = get(client, api, "/dialogues/seoul/registrations")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    [registration] = response.json["data"]
    assert registration["name"] == "Reg Istrant"
    assert registration["email"] == "reg@example.org"
    assert registration["status"] == "confirmed"
    public = client.get("/api/v1/dialogues/seoul/sessions")
    assert public.headers["Cache-Control"].startswith("public")
    with_a_token = get(
        client, api, "/dialogues/seoul/sessions"
    )  # what a token read, no cache keeps
    assert with_a_token.headers["Cache-Control"] == "private, no-store"
    draft = client.get(
        "/api/v1/dialogues/draft/sessions",
        headers=bearer(api.tokens[("draft", TokenScope.PROGRAMME)]),
    )
    assert "Secret draft session" in draft.text
    assert draft.headers["Cache-Control"] == "private, no-store"


def test_a_query_parameter_the_path_does_not_take_is_refused_not_ignored(client, api):
    response = client.get("/api/v1/dialogues/seoul/sessions?perpage=1")
    assert response.status_code == 400
    assert response.json["parameter"] == "perpage"
    assert "`per_page`" in response.json["message"]
    assert client.get("/api/v1/report?page=1").json["parameter"] == "page"
    filtered = client.get("/api/v1/dialogues/seoul/sessions?per_page=1&kind=panel")
    assert "kind=panel" in filtered.headers["Link"]  # the links keep the filters


@pytest.mark.parametrize("path", LISTS)
def test_every_list_is_paged_with_links_and_a_total(client, api, make, path):
    dialogue = db.session.get(Dialogue, api.dialogue_id)
    for n in range(3):  # enough on every list for three pages of one
        series = Series(slug=f"series-{n}", title=f"Series {n}")
        make.dialogue(slug=f"edition-{n}", series=series, status=DialogueStatus.PUBLISHED)
        make.registration(dialogue=dialogue)
    make.item(dialogue, title="Added for a second release")
    db.session.commit()
    release(dialogue)

    first = get(client, api, f"{path}?per_page=1")
    assert first.status_code == 200
    pagination = first.json["pagination"]
    assert pagination["per_page"] == 1
    assert pagination["total"] >= 2
    assert len(first.json["data"]) == 1
    links = {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', first.headers["Link"])}
    assert "prev" not in links
    second = client.get(links["next"], headers=bearer(api.tokens[("seoul", REGISTRATIONS)]))
    assert second.json["pagination"]["page"] == 2
    assert second.json["data"] != first.json["data"]
    assert "prev" in second.headers["Link"]
    beyond = get(client, api, f"{path}?page=100000")
    assert beyond.status_code == 200
    assert beyond.json["data"] == []


@pytest.mark.parametrize("path", LISTS)
def test_a_page_size_of_a_billion_is_clamped_and_said_to_be(client, api, path):
    response = get(client, api, f"{path}?per_page=1000000000")
    assert response.status_code == 200
    pagination = response.json["pagination"]
    assert pagination["per_page"] == pagination["max_per_page"] == MAX_PER_PAGE
    assert pagination["per_page_requested"] == 1000000000
    assert pagination["clamped"] is True
    assert get(client, api, path).json["pagination"]["clamped"] is False


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "query",
    ["per_page=-1", "per_page=0", "per_page=ten", "page=-1", "page=0", "page=1.5", "page=1000001"],
)
def test_a_page_or_size_that_is_no_positive_whole_number_is_refused_with_a_reason(
    client, api, path, query
):
    response = get(client, api, f"{path}?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    name = query.split("=")[0]
    assert response.json["error"] == "bad_parameter"
    assert response.json["parameter"] == name
    assert f"`{name}`" in response.json["message"]


@pytest.mark.parametrize("path", EVERY_GET)
def test_every_answer_has_an_etag_and_a_304_for_it(client, api, path):
    first = get(client, api, path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    headers = {
        "If-None-Match": etag,
        **bearer(api.tokens[("seoul", REGISTRATIONS)]),
    }
    again = client.get(f"/api/v1{path.format(item=api.item_id)}", headers=headers)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_a_new_release_changes_the_etag(client, api, make):
    before = client.get("/api/v1/dialogues/seoul/sessions")
    dialogue = db.session.get(Dialogue, api.dialogue_id)
    make.item(dialogue, title="A late addition")
    db.session.commit()
    unchanged = client.get(
        "/api/v1/dialogues/seoul/sessions", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert unchanged.status_code == 304  # the working copy is not what the API shows
    release(dialogue)
    after = client.get(
        "/api/v1/dialogues/seoul/sessions", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200
    assert "A late addition" in after.text


def test_errors_are_json_never_pages(client, api):
    for path, method, status in (
        ("/api/v1/nothing-here", "GET", 404),
        ("/api/v2/dialogues", "GET", 404),
        ("/api/v1/dialogues/nowhere", "GET", 404),
        ("/api/v1/dialogues/seoul/sessions/2147483647", "GET", 404),
        ("/api/v1/dialogues/seoul/sessions/99999999999", "GET", 404),
        ("/api/v1/dialogues", "POST", 405),
        ("/api/v1/report", "DELETE", 405),
    ):
        response = client.open(path, method=method)
        assert response.status_code == status, path
        assert response.mimetype == "application/json", path
        assert response.json["status"] == status
        assert "<html" not in response.text


def test_a_server_error_is_json_too(app, client, api, monkeypatch):
    from ip4dialogue.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "current_report", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/report")
    assert response.status_code == 500
    assert response.json["error"] == "internal_server_error"
    assert "a bug" not in response.text


def test_the_api_sets_no_cookie_not_even_the_language(client, api):
    response = client.get("/api/v1/dialogues/seoul/sessions", headers={"Accept-Language": "ja"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    refused = client.get("/api/v1/dialogues/seoul/sessions?lang=ja")
    assert refused.status_code == 400  # the API answers in data, with every translation
    assert "Set-Cookie" not in refused.headers
    page = client.get("/dialogues/seoul?lang=ja")
    assert "lang=ja" in page.headers["Set-Cookie"]  # pages still remember the choice


@pytest.mark.parametrize(
    "path", ["/dialogues/seoul/sessions?per_page=200", "/dialogues/seoul/registrations"]
)
def test_a_longer_agenda_or_list_costs_no_more_queries(client, api, make, queries, path):
    def counted() -> int:
        with queries() as log:
            assert get(client, api, path).status_code == 200
        return log.count

    before = counted()
    dialogue = db.session.get(Dialogue, api.dialogue_id)
    for n in range(30):
        item = make.item(dialogue, title=f"Extra session {n}")
        make.role(item, make.participant(consent_to_be_listed=True), Role.SPEAKER)
        make.registration(dialogue=dialogue)
    db.session.commit()
    release(dialogue)
    assert counted() == before


@pytest.mark.parametrize(
    "path",
    [
        "/dialogues/seoul",
        "/dialogues/seoul/releases",
        "/dialogues/seoul/sessions?per_page=1",
        "/dialogues/seoul/sessions/{item}",
    ],
)
def test_a_public_dialogue_path_asked_again_is_a_304_after_one_query(client, api, queries, path):
    url = f"/api/v1{path.format(item=api.item_id)}"
    first = client.get(url)
    with queries() as log:
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]
    assert log.count == 1
    assert first.headers["Last-Modified"]
    for answer in (first, again):  # caches between keep an answer per credential
        assert "Authorization" in answer.headers["Vary"]
    another_query = client.get("/api/v1/dialogues/seoul/sessions?per_page=2")
    assert another_query.headers["ETag"] != first.headers["ETag"]


def test_a_database_outage_is_a_json_503_with_a_retry_hint(worker):
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    app = worker(unreachable, PROPAGATE_EXCEPTIONS=False)
    response = app.test_client().get("/api/v1/dialogues")
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.json["error"] == "service_unavailable"
    assert response.headers["Retry-After"] == "30"


def test_a_bad_value_is_refused_even_when_the_client_holds_an_etag(client, api):
    for query in ("page=0", "per_page=1.5", "day=someday", "kind=party"):
        response = client.get(
            f"/api/v1/dialogues/seoul/sessions?{query}", headers={"If-None-Match": "*"}
        )
        assert response.status_code == 400, query
