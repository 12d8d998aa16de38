"""A rapporteur and an owner in Chromium, at a desktop's width and a phone's: the rapporteur's
summary saves itself as they type, survives a lost connection and a reload, and is flagged
where it names someone; reworded, the owner approves and publishes it, and the public page of
the recommendation shows it."""

from playwright.sync_api import expect

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.countries.models import CountryGroup
from ip4dialogue.extensions import db
from ip4dialogue.outcomes.models import session_rapporteurs
from ip4dialogue.people.models import Sector
from ip4dialogue.unit_of_work import transaction
from tests.conftest import ORGANISER_PASSWORD
from tests.e2e.conftest import log_in
from tests.helpers import release


def test_a_rapporteur_s_summary_is_saved_checked_approved_and_published(
    make, organiser, live_server, screen, browser
):
    report = make.report(title="Beyond alignment")
    rec = make.recommendation(report, number=1, short_title="Map the industrial bases")
    dialogue = make.dialogue(title="Seoul Dialogue", edition=2)
    item = make.item(dialogue, title="Industry roundtable", recommendations=[rec])
    japan = make.country(code="JP", name="Japan", group=CountryGroup.IP4)
    tanaka = make.participant(name="Hiroshi Tanaka", country=japan, sector=Sector.GOVERNMENT)
    make.registration(dialogue=dialogue, participant=tanaka)
    with transaction():
        rapporteur = create_organiser("rita@example.org", "Rita Rapporteur", ORGANISER_PASSWORD)
        make.member(dialogue, rapporteur, TeamRole.RAPPORTEUR)
        db.session.execute(
            session_rapporteurs.insert().values(item_id=item.id, organiser_id=rapporteur.id)
        )
    db.session.commit()
    release(dialogue)

    page = screen.page
    log_in(page, live_server, rapporteur)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}")
    page.locator("nav.tabs").get_by_role("link", name="Outcomes").click()
    page.get_by_role("link", name="Industry roundtable").click()
    summary = page.get_by_label("Outcome summary")
    status = page.locator(f"#recommendation-{rec.id} [data-autosave-status]")
    summary.fill("Hiroshi Tanaka said the register should be shared with industry.")
    expect(status).to_contain_text("Saved at")
    expect(status).to_contain_text("The check flags")
    screen.shot("1-autosaved")

    page.route("**/recommendations/**", lambda route: route.abort())
    summary.fill("Participants from Indo-Pacific governments wanted a shared register.")
    expect(status).to_contain_text("Not saved: the server cannot be reached")
    page.unroute("**/recommendations/**")
    page.reload()
    expect(page.get_by_label("Outcome summary")).to_have_value(
        "Participants from Indo-Pacific governments wanted a shared register."
    )
    expect(status).to_contain_text("Saved at")
    page.get_by_label("Assessment").select_option("action_proposed")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved.")
    expect(page.get_by_text("finds nothing that identifies anyone")).to_be_visible()
    screen.shot("2-reworded")

    owner = browser.new_context(viewport=page.viewport_size).new_page()
    log_in(owner, live_server, organiser)
    owner.goto(f"{live_server}/organise/dialogues/{dialogue.id}/outcomes/items/{item.id}")
    owner.get_by_role("button", name="Approve this outcome").click()
    expect(owner.locator(".flash-success")).to_contain_text("Approved")
    owner.get_by_role("link", name="← All sessions").click()
    owner.get_by_role("button", name="Publish approved outcomes now").click()
    expect(owner.locator(".flash-success")).to_contain_text("1 approved outcome(s) published.")

    page.goto(f"{live_server}/report/recommendations/1")
    expect(
        page.get_by_role("heading", name="Recommendation 1: Map the industrial bases")
    ).to_be_visible()
    expect(page.get_by_text("Action proposed")).to_be_visible()
    expect(page.get_by_text("wanted a shared register")).to_be_visible()
    expect(page.get_by_text("Hiroshi Tanaka")).to_have_count(0)
    screen.shot("3-published")
