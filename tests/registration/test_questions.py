"""The organisers' own questions: asking them, answering them, and reading the answers."""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from ip4dialogue.audit import AuditEvent
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.registration import questions, roster, services
from ip4dialogue.registration.models import Answer, Question, QuestionKind, Registration
from ip4dialogue.rules import RuleViolation
from tests.helpers import committed, confirm_from, outbox, visible_text
from tests.registration.test_views import FORM


@pytest.fixture
def dialogue(make):
    make.country(code="KR", name="South Korea")
    return make.dialogue(slug="seoul", registration_mode=RegistrationMode.OPEN)


@pytest.fixture
def asked(make, dialogue):
    """A required choice, an optional yes-or-no and an optional text."""
    role = make.question(
        dialogue,
        label="Your role at the dialogue",
        kind=QuestionKind.CHOICE,
        options=["Speaker", "Participant", "Observer"],
        required=True,
    )
    dinner = make.question(dialogue, label="Will you join the dinner?", kind=QuestionKind.YES_NO)
    visa = make.question(
        dialogue, label="Do you need a visa letter?", hint="Say for which country."
    )
    db.session.commit()
    return role, dinner, visa


def answers_of(registration: Registration) -> dict[str, str]:
    return {answer.question.label: answer.value for answer in registration.answers}


# The rules


@pytest.mark.parametrize(
    ("kind", "required", "value", "problem"),
    [
        (QuestionKind.TEXT, True, "", "Answer this question."),
        (QuestionKind.TEXT, False, "", None),
        (QuestionKind.TEXT, False, "x" * 2001, "Answer in at most 2,000 characters."),
        (QuestionKind.CHOICE, False, "Speaker", None),
        (QuestionKind.CHOICE, False, "Rapporteur", "Choose one of the answers offered."),
        (QuestionKind.YES_NO, True, "yes", None),
        (QuestionKind.YES_NO, True, "maybe", "Choose one of the answers offered."),
    ],
)
def test_an_answer_is_refused_only_for_a_reason_the_expert_can_mend(kind, required, value, problem):
    question = Question(kind=kind, required=required, options=["Speaker", "Participant"])
    assert question.problem(value) == problem


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (["Only one"], "Give at least two answers to choose from, one a line."),
        (["Same", "Same"], "Each answer to choose from must differ from the others."),
        (["x" * 201, "y"], "Keep each answer to at most 200 characters."),
        ([str(n) for n in range(21)], "Give at most 20 answers to choose from."),
    ],
)
def test_a_choice_needs_two_to_twenty_distinct_answers(options, problem):
    wording = questions.Wording(QuestionKind.CHOICE, "Your role", options=options)
    assert wording.problem() == ("options", problem)
    assert questions.Wording(QuestionKind.TEXT, "Your role", options=options).problem() is None


def test_questions_are_asked_in_the_order_the_organisers_set(dialogue):
    first = questions.add(dialogue, questions.Wording(QuestionKind.TEXT, "First"), None)
    second = questions.add(dialogue, questions.Wording(QuestionKind.YES_NO, "Second"), None)
    questions.move(second, -1, None)
    assert [q.label for q in questions.questions_of(dialogue.id)] == ["Second", "First"]
    questions.move(second, -1, None)  # first already: stays
    questions.move(first, 1, None)  # last already: stays
    assert [q.label for q in questions.questions_of(dialogue.id)] == ["Second", "First"]


def test_an_answered_question_keeps_its_kind_but_may_be_reworded(make, dialogue, asked):
    _, dinner, _ = asked
    make.answer(make.registration(dialogue=dialogue), dinner, "yes")
    with pytest.raises(RuleViolation, match="its kind stays"):
        questions.change(dinner, questions.Wording(QuestionKind.TEXT, "Dinner"), None)
    questions.change(dinner, questions.Wording(QuestionKind.YES_NO, "The dinner on 11 May?"), None)
    assert dinner.label == "The dinner on 11 May?"


def test_removing_a_question_removes_its_answers_and_is_in_the_audit_log(make, dialogue, asked):
    _, dinner, _ = asked
    make.answer(make.registration(dialogue=dialogue), dinner, "yes")
    questions.remove(dinner, None)
    db.session.commit()
    assert db.session.scalars(select(Answer)).all() == []
    event = db.session.scalars(select(AuditEvent)).all()[-1]
    assert (event.action, event.after) == (
        "question.removed",
        {"label": "Will you join the dinner?", "answers": 1},
    )


def test_erasing_a_person_forgets_their_answers_and_no_one_elses(make, dialogue, asked):
    role, _, _ = asked
    erased, kept = make.registration(dialogue=dialogue), make.registration(dialogue=dialogue)
    make.answer(erased, role, "Speaker")
    make.answer(kept, role, "Observer")
    db.session.commit()
    committed(services.erase, erased)
    assert db.session.scalars(select(Answer.value)).all() == ["Observer"]


# Experts answer


def test_an_expert_answers_the_questions_when_registering(app, client, dialogue, asked):
    page = client.get("/dialogues/seoul/register").text
    assert "Questions from the organisers" in page
    assert "Say for which country." in page
    data = FORM | {
        f"question_{asked[0].id}": "Speaker",
        f"question_{asked[1].id}": "no",
        f"question_{asked[2].id}": "  Schengen, for Brussels  ",
    }
    response = client.post("/dialogues/seoul/register", data=data)
    assert response.status_code == 302, visible_text(response.text)
    registration = db.session.scalars(select(Registration)).one()
    assert answers_of(registration) == {
        "Your role at the dialogue": "Speaker",
        "Will you join the dinner?": "no",
        "Do you need a visa letter?": "Schengen, for Brussels",
    }


def test_a_required_question_unanswered_keeps_the_form_and_stores_nothing(client, dialogue, asked):
    _, _, visa = asked
    response = client.post(
        "/dialogues/seoul/register",
        data=FORM | {f"question_{visa.id}": "Yes, for Belgium"},
    )
    assert response.status_code == 200
    page = visible_text(response.text)
    assert "Your role at the dialogue* Speaker Participant Observer Answer this question." in page
    assert "Yes, for Belgium" in response.text  # what was typed stays
    assert db.session.scalars(select(Registration)).all() == []


def test_an_answer_not_offered_is_refused(client, dialogue, asked):
    role, _, _ = asked
    response = client.post(
        "/dialogues/seoul/register", data=FORM | {f"question_{role.id}": "Rapporteur"}
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.text
    assert db.session.scalars(select(Registration)).all() == []


def test_an_expert_changes_their_answers_on_their_own_page(app, client, dialogue, asked):
    role, dinner, _ = asked
    client.post("/dialogues/seoul/register", data=FORM | {f"question_{role.id}": "Speaker"})
    page_path = confirm_from(client, outbox(app)[-1])
    page = client.get(page_path).text
    assert re.search(rf'<input checked id="question_{role.id}-0"[^>]*value="Speaker">', page)
    details = FORM | {f"question_{role.id}": "Observer", f"question_{dinner.id}": "yes"}
    response = client.post(page_path, data=details)
    assert response.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert answers_of(registration) == {
        "Your role at the dialogue": "Observer",
        "Will you join the dinner?": "yes",
    }
    client.post(page_path, data=FORM | {f"question_{role.id}": "Observer"})  # dinner: no answer
    db.session.expire_all()
    assert answers_of(db.session.get(Registration, registration.id)) == {
        "Your role at the dialogue": "Observer"
    }


def test_a_question_added_after_registering_is_asked_on_the_experts_page(
    app, client, make, dialogue
):
    client.post("/dialogues/seoul/register", data=FORM)
    page_path = confirm_from(client, outbox(app)[-1])
    late = make.question(dialogue, label="Arriving on the eve?", kind=QuestionKind.YES_NO)
    db.session.commit()
    response = client.post(page_path, data=FORM)
    assert response.status_code == 302  # optional: saving without an answer is fine
    assert "Arriving on the eve?" in client.get(page_path).text
    late.required = True
    db.session.commit()
    response = client.post(page_path, data=FORM)
    assert "Answer this question." in response.text


def test_a_service_refuses_a_required_answer_missing_even_without_the_form(dialogue, asked):
    desk = services.desk("seoul", None, utcnow())
    with pytest.raises(RuleViolation) as refused:
        questions.checked(desk.questions, {})
    assert refused.value.field == f"question_{asked[0].id}"


# Organisers ask and read


def test_an_organiser_asks_a_question_and_changes_it(organiser_client, dialogue):
    base = f"/organise/dialogues/{dialogue.id}/questions"
    refused = organiser_client.post(
        base, data={"label": "Your role", "kind": "choice", "options": "Speaker\n"}
    )
    assert "Give at least two answers to choose from, one a line." in refused.text
    assert db.session.scalars(select(Question)).all() == []

    added = organiser_client.post(
        base,
        data={
            "label": "Your role",
            "kind": "choice",
            "options": " Speaker \n\nParticipant\n",
            "required": "y",
        },
    )
    assert added.status_code == 302
    question = db.session.scalars(select(Question)).one()
    assert (question.options, question.required) == (["Speaker", "Participant"], True)
    listed = visible_text(organiser_client.get(base).text)
    assert "Your role One of several answers: Speaker · Participant Yes 0" in listed

    edit = f"{base}/{question.id}"
    assert "Speaker\nParticipant</textarea>" in organiser_client.get(edit).text
    organiser_client.post(edit, data={"label": "Your part", "kind": "yes_no", "options": "x"})
    db.session.refresh(question)
    assert (question.label, question.kind, question.options, question.required) == (
        "Your part",
        QuestionKind.YES_NO,
        [],
        False,
    )


def test_removing_a_question_asks_first_and_says_what_goes(organiser_client, make, dialogue, asked):
    _, dinner, _ = asked
    make.answer(make.registration(dialogue=dialogue), dinner, "yes")
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/questions/{dinner.id}/remove"
    asking = visible_text(organiser_client.get(url).text)
    assert "Remove the question “Will you join the dinner?”?" in asking
    assert "The 1 answer(s) given to it are deleted" in asking
    assert organiser_client.post(url).status_code == 302
    assert db.session.scalars(select(Question.label)).all() == [
        "Your role at the dialogue",
        "Do you need a visa letter?",
    ]


def test_a_question_of_another_dialogue_is_not_found(organiser_client, make, asked):
    other = make.dialogue(slug="other")
    db.session.commit()
    assert (
        organiser_client.get(f"/organise/dialogues/{other.id}/questions/{asked[0].id}").status_code
        == 404
    )


def test_the_answers_are_in_the_list_and_in_the_download_safe_for_spreadsheets(
    organiser_client, make, dialogue, asked
):
    role, dinner, visa = asked
    role.label = "=Role"  # the organisers' own text is a cell too
    registration = make.registration(dialogue=dialogue)
    make.answer(registration, role, "Speaker")
    make.answer(registration, dinner, "yes")
    make.answer(registration, visa, '=HYPERLINK("http://evil.example")')
    make.registration(dialogue=dialogue)  # answered nothing
    db.session.commit()

    listed = visible_text(
        organiser_client.get(f"/organise/dialogues/{dialogue.id}/registrations").text
    )
    assert "=Role Speaker Will you join the dinner? Yes" in listed
    assert "=Role — Will you join the dinner? — Do you need a visa letter? —" in listed

    body = organiser_client.get(f"/organise/dialogues/{dialogue.id}/registrations.csv").text
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header = rows[0]
    assert header[-4:] == [
        "'=Role",
        "Will you join the dinner?",
        "Do you need a visa letter?",
        "May be named publicly",
    ]
    assert rows[1][-4:-1] == ["Speaker", "Yes", '\'=HYPERLINK("http://evil.example")']
    assert rows[2][-4:-1] == ["", "", ""]
    assert roster.CSV_COLUMNS[-1] == "May be named publicly"


def test_an_answer_to_an_option_reworded_since_is_kept_and_shown(app, client, dialogue, asked):
    role, _, _ = asked
    client.post("/dialogues/seoul/register", data=FORM | {f"question_{role.id}": "Observer"})
    page_path = confirm_from(client, outbox(app)[-1])
    role.options = ["Speaker", "Participant", "Observer (no vote)"]
    db.session.commit()

    page = client.get(page_path).text
    assert "Observer (your answer; no longer offered)" in visible_text(page)
    assert re.search(r'<input checked[^>]*value="Observer">', page)
    saved = client.post(
        page_path, data=FORM | {f"question_{role.id}": "Observer", "dietary_needs": "Vegan"}
    )
    assert saved.status_code == 302
    db.session.expire_all()
    [registration] = db.session.scalars(select(Registration)).all()
    assert answers_of(registration) == {"Your role at the dialogue": "Observer"}
    assert registration.dietary_needs == "Vegan"

    refused = client.post(page_path, data=FORM | {f"question_{role.id}": "Rapporteur"})
    assert "Not a valid choice" in refused.text  # only their own answer is kept so


@pytest.mark.parametrize("size", [2, 8])
def test_a_purge_forgets_the_answers_without_reading_them(make, queries, size):
    """One statement for the purge, and one for each person it erases (the rest of an
    erasure is per person too); no answer is read first."""
    past = make.dialogue(start_date=date(2025, 3, 1), end_date=date(2025, 3, 2))
    question = make.question(past, label="Dinner?", kind=QuestionKind.YES_NO)
    for _ in range(size):
        make.answer(make.registration(dialogue=past), question, "yes")
    db.session.commit()
    with queries() as log:
        committed(services.purge, date(2026, 1, 1))
    assert db.session.scalars(select(Answer)).all() == []
    on_answers = [sql for sql in log.statements if "registration_answers" in sql]
    assert [sql.split()[0] for sql in on_answers] == ["DELETE"] * (1 + size), on_answers
