"""A person, whatever part they take: details they give, what the public may see of them, and
erasure, which the areas holding something of them hear about first."""

import pytest
from sqlalchemy.exc import IntegrityError

from ip4dialogue import signals
from ip4dialogue.people.directory import display_names, person_for
from ip4dialogue.people.models import Participant, Profile, Sector


def profile(**overrides) -> Profile:
    fields = {
        "name": "Dr Kim",
        "affiliation": "KIDA",
        "position": "Fellow",
        "country_code": None,
        "sector": Sector.THINK_TANK,
        "home_timezone": "Asia/Seoul",
    }
    return Profile(**fields | overrides)


def heard(signal):
    """The senders `signal` is sent for while the block runs."""
    senders: list[object] = []

    def listen(sender, **_) -> None:
        senders.append(sender)

    return senders, signal.connected_to(listen)


def test_emails_are_unique(make):
    make.participant(email="kim@example.org")
    with pytest.raises(IntegrityError):
        make.participant(email="kim@example.org")


def test_an_email_may_only_be_missing_after_erasure(make):
    with pytest.raises(IntegrityError):
        make.participant(email=None)


def test_a_change_to_what_the_public_sees_is_announced_and_nothing_else_is(make):
    kim = make.participant(name="Dr Kim", affiliation="KIDA")
    senders, listening = heard(signals.person_changed)
    with listening:
        kim.describe(profile(position="Senior Fellow"))  # not shown in public
        assert senders == []
        kim.describe(profile(consent_to_be_listed=True))
    assert senders == [kim]


def test_a_new_person_has_nothing_to_announce(app):
    senders, listening = heard(signals.person_changed)
    with listening:
        Participant(email="new@example.org", name="").describe(profile())
    assert senders == []


def test_an_unknown_home_time_zone_is_dropped(app):
    person = Participant(email="kim@example.org", name="")
    person.describe(profile(home_timezone="Mars/Olympus"))
    assert person.home_timezone is None


def test_erasure_is_heard_while_the_data_is_there_then_the_data_goes(make):
    kim = make.participant(name="Dr Kim", email="kim@example.org", consent_to_be_listed=True)
    seen: list[tuple[str, str | None]] = []

    def remember(person, **_) -> None:
        seen.append((person.name, person.email))

    with signals.person_erasing.connected_to(remember):
        kim.erase()
        kim.erase()  # once is enough

    assert seen == [("Dr Kim", "kim@example.org")]
    assert (kim.name, kim.email, kim.consent_to_be_listed) == ("", None, False)
    assert kim.erased_at is not None
    assert kim.display_name == "erased participant"


def test_the_directory_finds_a_person_by_address_or_adds_them_once(make):
    kim = make.participant(email="kim@example.org", name="Dr Kim")
    assert person_for("kim@example.org", "Someone else") is kim
    new = person_for("lee@example.org", " Mr Lee ", "KAIST")
    assert (new.name, new.affiliation) == ("Mr Lee", "KAIST")
    assert person_for("lee@example.org", "Lee again") is new


def test_names_are_shown_as_they_are_now(make):
    kim, gone = make.participant(name="Dr Kim"), make.participant(name="Dr Gone")
    gone.erase()
    assert display_names([kim.id, gone.id]) == {kim.id: "Dr Kim", gone.id: "erased participant"}
    assert display_names([]) == {}
