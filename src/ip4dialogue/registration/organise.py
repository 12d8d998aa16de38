"""Organisers' pages for registrations: the list, decisions, balance, export, invitations."""

import re
import secrets
from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ip4dialogue.access import Permission, local_path, organisers_only, requires
from ip4dialogue.bounds import form_id, query_page
from ip4dialogue.confirmation import Confirmation, ask
from ip4dialogue.countries.models import CountryGroup
from ip4dialogue.countries.queries import grouped_countries
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.forms import attempt_and_say, choices, grouped_choices, show_violation
from ip4dialogue.registration import invitations, questions, roster, services
from ip4dialogue.registration.forms import (
    InvitationForm,
    InvitationListForm,
    LetterForm,
    QuestionForm,
    RegistrantFilterForm,
)
from ip4dialogue.registration.invitee_lists import LineProblem
from ip4dialogue.registration.models import Decision, Invitation, Question, Registration
from ip4dialogue.rules import RuleViolation
from ip4dialogue.spreadsheets import XLSX, csv_download, download
from ip4dialogue.unit_of_work import attempt

bp = organisers_only(Blueprint("registrations", __name__, url_prefix="/organise/dialogues"))


def _filter_form() -> RegistrantFilterForm:
    form = RegistrantFilterForm(request.args)
    form.group.choices = choices(
        [("", "Any group"), *((group.value, group.label) for group in CountryGroup)]
    )
    form.country.choices = grouped_choices({"": [("", "Any country")], **grouped_countries()})
    form.validate()
    return form


def _filters(form: RegistrantFilterForm) -> roster.Filters:
    return roster.Filters(
        q=(form.q.data or "").strip(),
        status=form.status.data or "",
        group=form.group.data or "",
        country=form.country.data or "",
        sector=form.sector.data or "",
    )


@bp.get("/<int:dialogue_id>/registrations")
@requires(Permission.SEE_PERSONAL_DATA)
def index(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = _filter_form()
    return render_template(
        "registration/organise/index.html",
        dialogue=dialogue,
        form=form,
        page=roster.registrants(dialogue, _filters(form), query_page()),
        questions=questions.questions_of(dialogue.id),
        balance=roster.balance(dialogue),
        seats_left=services.seats_left(dialogue),
        query={key: value for key, value in request.args.items() if key != "page"},
    )


@bp.get("/<int:dialogue_id>/registrations.csv")
@requires(Permission.SEE_PERSONAL_DATA)
def export(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    body = roster.export_csv(dialogue, _filters(_filter_form()))
    return csv_download(body, dialogue.slug, "registrations")


@bp.get("/<int:dialogue_id>/registrations.xlsx")
@requires(Permission.SEE_PERSONAL_DATA)
def export_xlsx(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    body = roster.export_xlsx(dialogue, _filters(_filter_form()))
    return download(body, dialogue.slug, "registrations.xlsx", XLSX)


@bp.get("/<int:dialogue_id>/breakouts")
@requires(Permission.SEE_PERSONAL_DATA)
def breakouts(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    return render_template(
        "registration/organise/breakouts.html",
        dialogue=dialogue,
        rosters=roster.breakout_rosters(dialogue),
    )


@bp.get("/<int:dialogue_id>/breakouts.csv")
@requires(Permission.SEE_PERSONAL_DATA)
def export_breakouts(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    return csv_download(roster.breakouts_csv(dialogue), dialogue.slug, "breakouts")


def _registration_or_404(dialogue_id: int, registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if registration.dialogue_id != dialogue_id:
        abort(404)
    return registration


def _list_url(dialogue_id: int) -> str:
    """The list page the organiser came from, filters and page kept."""
    default = url_for(".index", dialogue_id=dialogue_id)
    return local_path(request.values.get("back"), default)


def _decide(registration: Registration, decision: Decision) -> ResponseReturnValue:
    name = registration.participant.display_name
    try:
        status = attempt(services.decide, registration, decision, current_user)
        flash(f"{name}: now {status.value}.", "success")
    except RuleViolation as violation:
        flash(f"{name}: {violation.message}", "error")
    return redirect(_list_url(registration.dialogue_id))


@bp.post(
    "/<int:dialogue_id>/registrations/<int:registration_id>"
    "/<any(approve, waitlist, promote):decision>"
)
@requires(Permission.MANAGE_REGISTRATIONS)
def decide(dialogue_id: int, registration_id: int, decision: str) -> ResponseReturnValue:
    registration = _registration_or_404(dialogue_id, registration_id)
    if not FlaskForm().validate_on_submit():
        return redirect(_list_url(dialogue_id))
    return _decide(registration, Decision(decision))


def _declining(registration: Registration) -> Confirmation:
    name = registration.participant.display_name
    leaving = services.leaving(registration)
    consequences = [f"{name} is emailed that the registration is declined."]
    if leaving.successor is not None:
        successor = leaving.successor.participant.display_name
        consequences.append(f"The seat goes to {successor}, first on the waitlist, who is emailed.")
    elif leaving.frees_seat:
        consequences.append("The seat becomes free; nobody is waiting for it.")
    if leaving.breakouts:
        consequences.append(
            f"{leaving.breakouts} break-out place(s) go to whoever waits next for them."
        )
    return Confirmation(
        question=f"Decline {name}?",
        consequences=consequences,
        confirm="Decline",
        back=_list_url(registration.dialogue_id),
        hidden={"back": _list_url(registration.dialogue_id)},
    )


@bp.route("/<int:dialogue_id>/registrations/<int:registration_id>/decline", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRATIONS)
def decline(dialogue_id: int, registration_id: int) -> ResponseReturnValue:
    registration = _registration_or_404(dialogue_id, registration_id)
    if not FlaskForm().validate_on_submit():
        return ask(_declining(registration))
    return _decide(registration, Decision.DECLINE)


BULK_LABELS = {
    Decision.APPROVE: "Approve",
    Decision.WAITLIST: "Waitlist",
    Decision.DECLINE: "Decline",
}
WRITE = "write"  # the bulk action that is a message, not a decision
SENDING = re.compile(r"[\w-]{16}")  # names one writing of a message: it is sent once


def _selected(dialogue: Dialogue) -> list[Registration]:
    """The dialogue's registrations ticked on the list (or carried by the confirmation page),
    in the list's order; ids of other dialogues' or of nobody select nothing."""
    raw = request.form.getlist("selected") or request.form.get("selected_ids", "").split(",")
    ids = {number for value in raw if (number := form_id(value)) is not None}
    return db.session.scalars(
        select(Registration)
        .where(Registration.dialogue_id == dialogue.id, Registration.id.in_(ids))
        .order_by(Registration.created_at, Registration.id)  # as the list shows them
        .options(selectinload(Registration.participant))
    ).all()


def _names(registrations: list[Registration]) -> str:
    return ", ".join(registration.participant.display_name for registration in registrations)


def _deciding_each(registrations: list[Registration], decision: Decision) -> Confirmation:
    label = BULK_LABELS[decision]
    able = [r for r in registrations if decision in r.status.decisions]
    unable = [r for r in registrations if decision not in r.status.decisions]
    consequences = [f"For: {_names(able)}."] if able else []
    if unable:
        consequences.append(f"Not possible for, and left as they are: {_names(unable)}.")
    consequences.append("Each is emailed the decision.")
    if decision == Decision.APPROVE:
        consequences.append(
            "Seats go in the list's order, never beyond the dialogue's capacity; the others "
            "join the waitlist."
        )
    return Confirmation(
        question=f"{label} {len(able)} registration(s)?",
        consequences=consequences,
        confirm=f"{label} {len(able)}",
        back=_list_url(registrations[0].dialogue_id),
        hidden=_carried(registrations, decision.value),
    )


def _carried(registrations: list[Registration], action: str) -> dict[str, str]:
    """What the confirmation page posts back: the action, those ticked, the way back."""
    return {
        "action": action,
        "selected_ids": ",".join(str(registration.id) for registration in registrations),
        "confirmed": "1",
        "back": _list_url(registrations[0].dialogue_id),
    }


@bp.post("/<int:dialogue_id>/registrations/bulk")
@requires(Permission.MANAGE_REGISTRATIONS)
def decide_selected(dialogue_id: int) -> ResponseReturnValue:
    """One decision for the ticked registrations, or one message to them: the page says
    first who and what follows."""
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    chosen = request.form.get("action", "")
    decision = Decision(chosen) if chosen in {d.value for d in BULK_LABELS} else None
    registrations = _selected(dialogue)
    if (
        not FlaskForm().validate_on_submit()
        or not registrations
        or not (decision or chosen == WRITE)
    ):
        flash("Tick the registrations, and choose what to do with them.", "error")
        return redirect(_list_url(dialogue_id))
    if decision is None:
        return _write_to_selected(registrations)
    if not any(decision in registration.status.decisions for registration in registrations):
        flash(f"{BULK_LABELS[decision]}: not possible for any of those ticked.", "error")
        return redirect(_list_url(dialogue_id))
    if not request.form.get("confirmed"):
        return ask(_deciding_each(registrations, decision))
    decided = services.decide_each(registrations, decision, current_user)
    if decided.done:
        now = Counter(registration.status.value for registration in decided.done)
        outcome = ", ".join(f"{count} now {status}" for status, count in sorted(now.items()))
        flash(f"{BULK_LABELS[decision]}: done for {len(decided.done)} ({outcome}).", "success")
    for registration, reason in decided.refused:
        flash(f"{registration.participant.display_name}: {reason}", "error")
    return redirect(_list_url(dialogue_id))


def _sending() -> str:
    """The name of this writing of a message, which its page carries: new for a new page."""
    carried = request.form.get("sending", "")
    return carried if SENDING.fullmatch(carried) else secrets.token_urlsafe(12)


def _write_to_selected(registrations: list[Registration]) -> ResponseReturnValue:
    """The message to write, with who gets it, then its sending."""
    able = [r for r in registrations if services.can_be_written_to(r)]
    if not able:
        flash("None of those ticked can be written to: no confirmed address.", "error")
        return redirect(_list_url(registrations[0].dialogue_id))
    confirmed = bool(request.form.get("confirmed"))
    form = LetterForm() if confirmed else LetterForm(formdata=None)
    sending = _sending()
    if confirmed and form.validate_on_submit():
        try:
            written = attempt(
                services.write_to_each,
                registrations,
                form.subject.data,
                form.body.data,
                current_user,
                sending,
            )
        except RuleViolation as refusal:
            flash(refusal.message, "error")
        else:
            flash(f"Your message is on its way to {len(written)} registration(s).", "success")
        return redirect(_list_url(registrations[0].dialogue_id))
    unable = [r for r in registrations if not services.can_be_written_to(r)]
    consequences = [f"To: {_names(able)}."]
    if unable:
        consequences.append(f"Not to those without a confirmed address: {_names(unable)}.")
    consequences.append(
        "Each gets their own email, from the dialogue: nobody sees who else got it. It is "
        "listed on the Messages tab."
    )
    return ask(
        Confirmation(
            question=f"Write to {len(able)} registration(s)",
            consequences=consequences,
            confirm=f"Send to {len(able)}",
            back=_list_url(registrations[0].dialogue_id),
            keep="Back to the list",
            hidden=_carried(registrations, WRITE) | {"sending": sending},
        ),
        "registration/organise/write.html",
        form=form,
    )


@bp.post("/<int:dialogue_id>/registrations/<int:registration_id>/relink")
@requires(Permission.MANAGE_REGISTRATIONS)
def relink(dialogue_id: int, registration_id: int) -> ResponseReturnValue:
    registration = _registration_or_404(dialogue_id, registration_id)
    if FlaskForm().validate_on_submit():
        services.send_new_link(registration, current_user)
        flash(f"{registration.participant.display_name}: a new private link is sent.", "success")
    return redirect(_list_url(dialogue_id))


# Invitations


def _invitations_page(
    dialogue: Dialogue,
    single: InvitationForm,
    many: InvitationListForm,
    problems: list[LineProblem] | None = None,
    preview: invitations.Preview | None = None,
) -> ResponseReturnValue:
    listed = db.session.scalars(
        db.select(Invitation)
        .where(Invitation.dialogue_id == dialogue.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()
    now = utcnow()
    return render_template(
        "registration/organise/invitations.html",
        dialogue=dialogue,
        single=single,
        many=many,
        problems=problems or [],
        preview=preview,
        invitations=[(invitation, invitation.state_at(now)) for invitation in listed],
    )


@bp.get("/<int:dialogue_id>/invitations")
@requires(Permission.MANAGE_REGISTRATIONS)
def invitation_list(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    return _invitations_page(
        dialogue, InvitationForm(formdata=None), InvitationListForm(formdata=None)
    )


def _previewing() -> bool:
    """The form's Preview button was pressed rather than Send."""
    return "preview" in request.form


@bp.post("/<int:dialogue_id>/invitations")
@requires(Permission.MANAGE_REGISTRATIONS)
def invite(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = InvitationForm()
    if form.validate_on_submit():
        invitee = invitations.Invitee(
            form.email.data, form.name.data or "", form.affiliation.data or "", form.language.data
        )
        note = form.note.data or ""
        try:
            if _previewing():
                preview = invitations.preview(dialogue, invitee, note)
                return _invitations_page(
                    dialogue, form, InvitationListForm(formdata=None), [], preview
                )
            attempt(
                invitations.invite,
                dialogue,
                invitee.email,
                invitee.name,
                invitee.affiliation,
                current_user,
                note,
                invitee.language,
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"Invitation sent to {form.email.data}.", "success")
            return redirect(url_for(".invitation_list", dialogue_id=dialogue.id))
    return _invitations_page(dialogue, form, InvitationListForm(formdata=None))


@bp.post("/<int:dialogue_id>/invitations/list")
@requires(Permission.MANAGE_REGISTRATIONS)
def invite_list(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = InvitationListForm()
    if not form.validate_on_submit():
        return _invitations_page(dialogue, InvitationForm(formdata=None), form)
    text = form.pasted.data or ""
    if form.upload.data:
        try:
            text = form.upload.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.upload.errors = ["The file is not UTF-8 text. Save it as CSV UTF-8 and try again."]
            return _invitations_page(dialogue, InvitationForm(formdata=None), form)
    if not text.strip():
        form.pasted.errors = ["Paste a list or choose a file."]
        return _invitations_page(dialogue, InvitationForm(formdata=None), form)
    note, language = form.list_note.data or "", form.list_language.data
    if _previewing():
        form.pasted.data = text  # a file's lines, now in the box, to send from there
        preview, plan = invitations.preview_list(dialogue, text, note, language)
        return _invitations_page(
            dialogue, InvitationForm(formdata=None), form, plan.problems, preview
        )
    invited, plan = invitations.invite_list(dialogue, text, current_user, note, language)
    flash(f"{len(invited)} invitation(s) sent.", "success" if invited else "info")
    if plan.problems:
        flash(f"{len(plan.problems)} line(s) were not invited; see below.", "error")
    left = InvitationListForm(
        formdata=None,
        data={"pasted": plan.leftover, "list_note": note, "list_language": language},
    )
    return _invitations_page(dialogue, InvitationForm(formdata=None), left, plan.problems)


def _invitation_or_404(dialogue_id: int, invitation_id: int) -> Invitation:
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.dialogue_id != dialogue_id:
        abort(404)
    return invitation


@bp.post("/<int:dialogue_id>/invitations/<int:invitation_id>/resend")
@requires(Permission.MANAGE_REGISTRATIONS)
def resend_invitation(dialogue_id: int, invitation_id: int) -> ResponseReturnValue:
    invitation = _invitation_or_404(dialogue_id, invitation_id)
    email = invitation.email
    if FlaskForm().validate_on_submit():
        attempt_and_say(
            f"Invitation to {email} re-sent, with a new link.", invitations.resend, invitation
        )
    return redirect(url_for(".invitation_list", dialogue_id=dialogue_id))


@bp.route("/<int:dialogue_id>/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRATIONS)
def revoke_invitation(dialogue_id: int, invitation_id: int) -> ResponseReturnValue:
    invitation = _invitation_or_404(dialogue_id, invitation_id)
    email = invitation.email
    if not FlaskForm().validate_on_submit():
        return ask(
            Confirmation(
                question=f"Revoke the invitation to {email}?",
                consequences=[
                    f"The link sent to {email} stops working; nobody is emailed.",
                    "You can re-send the invitation later: it then carries a new link.",
                ],
                confirm="Revoke",
                back=url_for(".invitation_list", dialogue_id=dialogue_id),
            )
        )
    attempt_and_say(f"Invitation to {email} revoked.", invitations.revoke, invitation)
    return redirect(url_for(".invitation_list", dialogue_id=dialogue_id))


# The dialogue's own questions


def _questions_page(dialogue: Dialogue, form: QuestionForm) -> ResponseReturnValue:
    return render_template(
        "registration/organise/questions.html",
        dialogue=dialogue,
        form=form,
        questions=questions.questions_of(dialogue.id),
        answered=questions.answer_counts(dialogue),
    )


@bp.route("/<int:dialogue_id>/questions", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRATIONS)
def question_list(dialogue_id: int) -> ResponseReturnValue:
    """The questions asked of everyone who registers, and a form to ask one more."""
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            attempt(questions.add, dialogue, form.wording(), current_user)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"Question added: “{form.label.data}”.", "success")
            return redirect(url_for(".question_list", dialogue_id=dialogue_id))
    return _questions_page(dialogue, form)


def _question_or_404(dialogue_id: int, question_id: int) -> Question:
    question = db.get_or_404(Question, question_id)
    if question.dialogue_id != dialogue_id:
        abort(404)
    return question


@bp.route("/<int:dialogue_id>/questions/<int:question_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRATIONS)
def edit_question(dialogue_id: int, question_id: int) -> ResponseReturnValue:
    question = _question_or_404(dialogue_id, question_id)
    form = QuestionForm(obj=question)
    if request.method == "GET":
        form.options.data = "\n".join(question.options)
    if form.validate_on_submit():
        try:
            attempt(questions.change, question, form.wording(), current_user)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Question saved.", "success")
            return redirect(url_for(".question_list", dialogue_id=dialogue_id))
    return render_template(
        "registration/organise/question.html",
        dialogue=question.dialogue,
        question=question,
        form=form,
        answered=questions.answered(question),
    )


@bp.route("/<int:dialogue_id>/questions/<int:question_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRATIONS)
def remove_question(dialogue_id: int, question_id: int) -> ResponseReturnValue:
    question = _question_or_404(dialogue_id, question_id)
    back = url_for(".question_list", dialogue_id=dialogue_id)
    if not FlaskForm().validate_on_submit():
        answered = questions.answered(question)
        return ask(
            Confirmation(
                question=f"Remove the question “{question.label}”?",
                consequences=[
                    "Nobody registering is asked it any more.",
                    f"The {answered} answer(s) given to it are deleted, and leave the list "
                    "and its download."
                    if answered
                    else "Nobody has answered it yet.",
                ],
                confirm="Remove the question",
                back=back,
                keep="Keep it",
            )
        )
    attempt_and_say("Question removed.", questions.remove, question, current_user)
    return redirect(back)


@bp.post("/<int:dialogue_id>/questions/<int:question_id>/<any(up, down):direction>")
@requires(Permission.MANAGE_REGISTRATIONS)
def move_question(dialogue_id: int, question_id: int, direction: str) -> ResponseReturnValue:
    question = _question_or_404(dialogue_id, question_id)
    if FlaskForm().validate_on_submit():
        questions.move(question, -1 if direction == "up" else 1, current_user)
    return redirect(url_for(".question_list", dialogue_id=dialogue_id))
