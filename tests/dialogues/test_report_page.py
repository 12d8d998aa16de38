"""/report: the report's recommendations and themes, and the published sessions that take
them up, across dialogues."""

from ip4dialogue.dialogues.models import DialogueStatus, ItemStatus
from tests.helpers import release


def test_the_report_page_shows_every_recommendation_verbatim(client, seeded):
    page = client.get("/report").get_data(as_text=True)
    assert "Enhance shared understandings of deterrence." in page
    assert page.count('class="gap"') == 0  # the sample dialogue takes up everything
    assert "Taken up by" in page


def test_only_released_sessions_count_as_uptake(client, make):
    report = make.report()
    recommendation = make.recommendation(report, number=1, short_title="Complement")
    theme = make.theme(report, title="Deterrence")
    published = make.dialogue(title="Published one")
    draft = make.dialogue(status=DialogueStatus.DRAFT)
    make.item(published, title="Public session", recommendations=[recommendation])
    make.item(published, title="Called off", themes=[theme], status=ItemStatus.CANCELLED)
    make.item(draft, title="Draft session", recommendations=[recommendation], themes=[theme])
    release(published)
    make.item(published, title="Not released yet", themes=[theme])

    page = client.get("/report").get_data(as_text=True)

    assert "Public session" in page
    assert "Published one" in page
    assert "Draft session" not in page
    assert "Called off" not in page
    assert "Not released yet" not in page
    assert "No published session takes this up yet." in page  # the theme


def test_without_a_report_the_page_says_what_to_do(client):
    assert "run the seed command" in client.get("/report").get_data(as_text=True)
