"""The organisers' own questions to those who register: asking them, and keeping the answers.

A question's answers are the registrant's personal data: they are deleted with the needs
when a person is erased or a dialogue purged (the registration services do it in bulk), and
appear only in the organisers' list and export.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ip4dialogue.audit import record
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import Answer, Question, QuestionKind, Registration
from ip4dialogue.rules import RuleViolation

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser

MAX_QUESTIONS = 20
MAX_OPTIONS = 20
OPTION_MAX_LENGTH = 200


@dataclass
class Wording:
    """A question as the organisers write it."""

    kind: QuestionKind
    label: str
    hint: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False

    def problem(self) -> tuple[str, str] | None:
        """The field and the reason, when the wording cannot be a question."""
        if self.kind != QuestionKind.CHOICE:
            return None
        if len(self.options) < 2:
            return "options", "Give at least two answers to choose from, one a line."
        if len(self.options) > MAX_OPTIONS:
            return "options", f"Give at most {MAX_OPTIONS} answers to choose from."
        if any(len(option) > OPTION_MAX_LENGTH for option in self.options):
            return "options", f"Keep each answer to at most {OPTION_MAX_LENGTH} characters."
        if len(set(self.options)) < len(self.options):
            return "options", "Each answer to choose from must differ from the others."
        return None


def field_name(question: Question) -> str:
    """The name of the question's field in the registration and details forms."""
    return f"question_{question.id}"


def questions_of(dialogue_id: int) -> list[Question]:
    """A dialogue's questions, in the order they are asked."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.dialogue_id == dialogue_id)
            .order_by(Question.position, Question.id)
        )
    )


def answer_counts(dialogue: Dialogue) -> dict[int, int]:
    """How many registrations answered each question, in one query."""
    return dict(
        db.session.execute(
            select(Answer.question_id, func.count())
            .join(Answer.question)
            .where(Question.dialogue_id == dialogue.id)
            .group_by(Answer.question_id)
        ).all()
    )


def _check(wording: Wording) -> None:
    if problem := wording.problem():
        raise RuleViolation(*problem)


def _audit(action: str, question: Question, organiser: "Organiser | None", **after: object) -> None:
    record(
        f"question.{action}",
        question,
        organiser=organiser,
        dialogue_id=question.dialogue_id,
        after={"label": question.label, **after},
    )


def add(dialogue: Dialogue, wording: Wording, organiser: "Organiser | None") -> Question:
    """A new question, asked after the others."""
    _check(wording)
    asked = questions_of(dialogue.id)
    if len(asked) >= MAX_QUESTIONS:
        raise RuleViolation(None, f"A dialogue asks at most {MAX_QUESTIONS} questions.")
    question = Question(
        dialogue_id=dialogue.id,
        position=max((q.position for q in asked), default=0) + 1,
        kind=wording.kind,
    )
    _reword(question, wording)
    db.session.add(question)
    db.session.flush()
    _audit("added", question, organiser, kind=question.kind.value)
    return question


def change(question: Question, wording: Wording, organiser: "Organiser | None") -> None:
    """Reword a question. Its kind stays once anyone answered: a yes turned into free
    text, or into one of several answers, would no longer say what was asked."""
    _check(wording)
    if wording.kind != question.kind and answered(question):
        raise RuleViolation(
            "kind", "People have answered already: its kind stays. Add a new question instead."
        )
    question.kind = wording.kind
    _reword(question, wording)
    _audit("changed", question, organiser, kind=question.kind.value)


def _reword(question: Question, wording: Wording) -> None:
    question.label, question.hint = wording.label, wording.hint
    question.options = wording.options if wording.kind == QuestionKind.CHOICE else []
    question.required = wording.required


def answered(question: Question) -> int:
    """How many registrations answered the question."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Answer).where(Answer.question_id == question.id)
        )
        or 0
    )


def remove(question: Question, organiser: "Organiser | None") -> None:
    """The question goes, and every answer given to it."""
    _audit("removed", question, organiser, answers=answered(question))
    db.session.delete(question)
    db.session.flush()


def move(question: Question, step: int, organiser: "Organiser | None") -> None:
    """One place up (-1) or down (+1) among the dialogue's questions."""
    asked = questions_of(question.dialogue_id)
    index = asked.index(question)
    other = index + step
    if not 0 <= other < len(asked):
        return
    asked[index], asked[other] = asked[other], asked[index]
    for position, each in enumerate(asked, start=1):
        each.position = position
    db.session.flush()
    _audit("moved", question, organiser, position=question.position)


Answered = list[tuple[Question, str]]


def checked(
    questions: list[Question],
    answers: Mapping[int, str],
    registration: Registration | None = None,
) -> Answered:
    """Each question with its answer (empty: none), refusing an answer a question cannot
    take: a required question unanswered, an answer not offered, a text too long. The answer
    `registration` gave already is always kept: organisers may have reworded the options."""
    given = [(question, (answers.get(question.id) or "").strip()) for question in questions]
    for question, value in given:
        kept = registration is not None and value and value == registration.answer_to(question)
        if not kept and (problem := question.problem(value)):
            raise RuleViolation(field_name(question), problem)
    return given


def keep(registration: Registration, answered: Answered) -> None:
    for question, value in answered:
        registration.answer(question, value)
