"""Rapporteurs' and owners' pages: the sessions and what was written on them, a session's
notes and outcomes (saved by the button, or as one types), their revisions, approval and
publication, the outcomes report, and planning the next edition from what is still open."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug import Response

from ip4dialogue.access import Permission, can, organisers_only, requires
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import NON_SESSIONS, AgendaItem, Dialogue
from ip4dialogue.dialogues.queries import dialogue_for_organiser
from ip4dialogue.extensions import db
from ip4dialogue.forms import BaseForm, attempt_and_say, attempt_on, choices
from ip4dialogue.outcomes import book, queries, services
from ip4dialogue.outcomes.exports import DOCX_MIMETYPE, outcomes_docx, outcomes_pdf
from ip4dialogue.outcomes.forms import (
    ApprovalForm,
    DraftForm,
    NotesForm,
    OutcomeForm,
    RapporteursForm,
)
from ip4dialogue.outcomes.models import Draft, Outcome, OutcomeState, SessionNotes
from ip4dialogue.outcomes.revisions import compare
from ip4dialogue.printing import PDF_MIMETYPE, ExportUnavailable
from ip4dialogue.report.models import Recommendation
from ip4dialogue.rules import RuleViolation
from ip4dialogue.unit_of_work import attempt

bp = organisers_only(Blueprint("outcomes_work", __name__, url_prefix="/organise/dialogues"))
AUTOSAVE = "X-Autosave"  # the header the page's script sends: answer in JSON, not a page


def _dialogue(dialogue_id: int) -> Dialogue:
    return dialogue_for_organiser(dialogue_id) or abort(404)


def _sessions(dialogue: Dialogue) -> list[AgendaItem]:
    """What rapporteurs write about: every item but breaks and socials, the cancelled ones
    too, so that what was written on them stays in reach."""
    return [item for item in dialogue.items if item.kind not in NON_SESSIONS]


def _item(dialogue: Dialogue, item_id: int) -> AgendaItem:
    """One of the dialogue's sessions, or 404."""
    return next((item for item in _sessions(dialogue) if item.id == item_id), None) or abort(404)


def _writable(item: AgendaItem) -> AgendaItem:
    if not services.may_write(current_user, item, services.rapporteur_ids(item)):
        abort(403)
    return item


@bp.get("/<int:dialogue_id>/outcomes")
@requires(Permission.WRITE_OUTCOMES)
def index(dialogue_id: int) -> ResponseReturnValue:
    """Every session, its rapporteurs, and how far its notes and outcomes are."""
    dialogue = _dialogue(dialogue_id)
    sessions = _sessions(dialogue)
    writers = queries.writers_of(dialogue.id)
    form = RapporteursForm(formdata=None)
    form.organiser_ids.choices = choices((writer.id, writer.name) for writer in writers)
    people = services.people_of(dialogue.id)
    work = queries.sessions_work(sessions)
    return render_template(
        "outcomes/index.html",
        dialogue=dialogue,
        work=work,
        writers={writer.id: writer for writer in writers},
        form=form,
        flag_counts={  # approved ones passed the check, and are checked again on changes
            outcome.id: sum(map(len, services.flags(outcome, people).values()))
            for session in work
            for outcome in session.outcomes.values()
            if outcome.state == OutcomeState.DRAFT
        },
    )


def _session_page(
    dialogue: Dialogue, item: AgendaItem, forms: dict[str, DraftForm] | None = None
) -> str:
    """The session's workspace; `forms` keeps what a refused save typed."""
    forms = forms or {}
    [work] = queries.sessions_work([item])
    notes = work.notes or SessionNotes.blank(item)
    outcomes = [
        work.outcomes.get(rec.id) or Outcome.blank(item, rec) for rec in item.recommendations
    ]
    people = services.people_of(dialogue.id)
    return render_template(
        "outcomes/session.html",
        dialogue=dialogue,
        item=item,
        writable=services.may_write(current_user, item, work.rapporteur_ids),
        notes=notes,
        notes_form=forms.get("notes") or NotesForm(formdata=None, obj=notes, prefix="notes"),
        outcomes=[
            (
                outcome,
                forms.get(_prefix(outcome.recommendation))
                or OutcomeForm(formdata=None, obj=outcome, prefix=_prefix(outcome.recommendation)),
                services.flags(outcome, people),
            )
            for outcome in outcomes
        ],
    )


@bp.get("/<int:dialogue_id>/outcomes/items/<int:item_id>")
@requires(Permission.WRITE_OUTCOMES)
def session(dialogue_id: int, item_id: int) -> ResponseReturnValue:
    dialogue = _dialogue(dialogue_id)
    return _session_page(dialogue, _item(dialogue, item_id))


def _save(
    dialogue: Dialogue, item: AgendaItem, draft: Draft, form: DraftForm, key: str
) -> ResponseReturnValue:
    """Save a draft from its form: in JSON for the page's autosave, else as a page that keeps
    the text typed when the save is refused."""
    autosave = request.headers.get(AUTOSAVE) == "1"
    if not form.validate_on_submit():
        return _refused(autosave, dialogue, item, form, key, _first_error(form))
    try:
        attempt(
            services.save_draft,
            draft,
            form.content(),
            form.version.data,
            current_user,
            utcnow(),
            keep_revision=not autosave,
        )
    except RuleViolation as violation:  # about the whole draft: a conflict; else a field
        status = 409 if violation.field is None else 422
        return _refused(autosave, dialogue, item, form, key, violation.message, status)
    if autosave:
        return jsonify(saved=True, version=draft.version, flags=_flag_counts(draft, dialogue))
    flash("Saved.", "success")
    return redirect(url_for(".session", dialogue_id=dialogue.id, item_id=item.id) + f"#{key}")


def _refused(
    autosave: bool,
    dialogue: Dialogue,
    item: AgendaItem,
    form: DraftForm,
    key: str,
    message: str,
    status: int = 422,
) -> ResponseReturnValue:
    if autosave:
        return jsonify(saved=False, error=message), status
    flash(f"Not saved: {message}", "error")
    return _session_page(dialogue, item, {key: form}), status


def _first_error(form: DraftForm) -> str:
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form else name
        return f"{label}: {errors[0]}"
    return "The form could not be read."


def _flag_counts(draft: Draft, dialogue: Dialogue) -> dict[str, int]:
    if not isinstance(draft, Outcome):
        return {}
    found = services.flags(draft, services.people_of(dialogue.id))
    return {name: len(field_flags) for name, field_flags in found.items()}


@bp.post("/<int:dialogue_id>/outcomes/items/<int:item_id>/notes")
@requires(Permission.WRITE_OUTCOMES)
def save_notes(dialogue_id: int, item_id: int) -> ResponseReturnValue:
    dialogue = _dialogue(dialogue_id)
    item = _writable(_item(dialogue, item_id))
    return _save(dialogue, item, services.notes_of(item), NotesForm(prefix="notes"), "notes")


@bp.post("/<int:dialogue_id>/outcomes/items/<int:item_id>/recommendations/<int:recommendation_id>")
@requires(Permission.WRITE_OUTCOMES)
def save_outcome(dialogue_id: int, item_id: int, recommendation_id: int) -> ResponseReturnValue:
    dialogue = _dialogue(dialogue_id)
    item = _writable(_item(dialogue, item_id))
    recommendation = next(
        (rec for rec in item.recommendations if rec.id == recommendation_id), None
    ) or abort(404)
    draft, key = services.outcome_of(item, recommendation), _prefix(recommendation)
    return _save(dialogue, item, draft, OutcomeForm(prefix=key), key)


def _prefix(recommendation: Recommendation) -> str:
    """One outcome's form among several on the page: its fields' names and ids, and the
    anchor a save returns to."""
    return f"recommendation-{recommendation.id}"


@bp.get("/<int:dialogue_id>/outcomes/items/<int:item_id>/revisions")
@requires(Permission.WRITE_OUTCOMES)
def revisions(dialogue_id: int, item_id: int) -> ResponseReturnValue:
    """The revisions of the notes or of one outcome (`?recommendation=`), two compared."""
    dialogue = _dialogue(dialogue_id)
    item = _item(dialogue, item_id)
    recommendation = _recommendation_asked(item)
    history = queries.revisions(item.id, recommendation.id if recommendation else None)
    numbers = {revision.number: revision for revision in history}
    newer = numbers.get(request.args.get("b", type=int) or 0) or (history[0] if history else None)
    older = numbers.get(request.args.get("a", type=int) or 0) or (
        history[1] if len(history) > 1 else None
    )
    return render_template(
        "outcomes/revisions.html",
        dialogue=dialogue,
        item=item,
        recommendation=recommendation,
        history=history,
        older=older,
        newer=newer,
        changes=compare(older.content if older else {}, newer.content if newer else {}),
    )


def _recommendation_asked(item: AgendaItem) -> Recommendation | None:
    wanted = request.args.get("recommendation", type=int)
    if wanted is None:
        return None
    return next((rec for rec in item.recommendations if rec.id == wanted), None) or abort(404)


def _outcome(dialogue_id: int, outcome_id: int) -> Outcome:
    outcome = db.get_or_404(Outcome, outcome_id)
    if outcome.item.dialogue_id != dialogue_id:
        abort(404)
    return outcome


def _back_to(outcome: Outcome) -> ResponseReturnValue:
    return redirect(
        url_for(".session", dialogue_id=outcome.item.dialogue_id, item_id=outcome.item_id)
        + f"#{_prefix(outcome.recommendation)}"
    )


@bp.post("/<int:dialogue_id>/outcomes/<int:outcome_id>/approve")
@requires(Permission.APPROVE_OUTCOMES)
def approve(dialogue_id: int, outcome_id: int) -> ResponseReturnValue:
    outcome, form = _outcome(dialogue_id, outcome_id), ApprovalForm()
    if form.validate_on_submit():
        attempt_and_say(
            "Approved: it is published with the next release, or when you publish outcomes.",
            services.approve,
            outcome,
            form.version.data,
            current_user,
            utcnow(),
        )
    return _back_to(outcome)


@bp.post("/<int:dialogue_id>/outcomes/<int:outcome_id>/reopen")
@requires(Permission.APPROVE_OUTCOMES)
def reopen(dialogue_id: int, outcome_id: int) -> ResponseReturnValue:
    outcome = _outcome(dialogue_id, outcome_id)
    if BaseForm().validate_on_submit():
        attempt_and_say(
            "Reopened: it is a draft again, and off the public pages until approved.",
            services.reopen,
            outcome,
            current_user,
            "Reopened by an owner.",
        )
    return _back_to(outcome)


@bp.post("/<int:dialogue_id>/outcomes/items/<int:item_id>/rapporteurs")
@requires(Permission.APPROVE_OUTCOMES)
def rapporteurs(dialogue_id: int, item_id: int) -> ResponseReturnValue:
    dialogue = _dialogue(dialogue_id)
    item = _item(dialogue, item_id)
    writers = {writer.id: writer for writer in queries.writers_of(dialogue.id)}
    form = RapporteursForm()
    form.organiser_ids.choices = choices((id_, writer.name) for id_, writer in writers.items())
    if form.validate_on_submit():
        chosen = [writers[id_] for id_ in form.organiser_ids.data or []]
        attempt_and_say(
            f"Rapporteurs of \u201c{item.title}\u201d saved.",
            services.assign_rapporteurs,
            item,
            chosen,
            current_user,
        )
    else:
        flash("Choose rapporteurs from the team.", "error")
    return redirect(url_for(".index", dialogue_id=dialogue.id) + f"#item-{item.id}")


@bp.post("/<int:dialogue_id>/outcomes/publish")
@requires(Permission.APPROVE_OUTCOMES)
def publish(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue(dialogue_id)
    if BaseForm().validate_on_submit():
        count = attempt(services.publish_approved, dialogue, current_user, utcnow())
        flash(
            f"{count} approved outcome(s) published." if count else "No approved outcome waits.",
            "success" if count else "info",
        )
    return redirect(url_for(".index", dialogue_id=dialogue.id))


@bp.get("/<int:dialogue_id>/outcomes/report.pdf")
@requires(Permission.WRITE_OUTCOMES)
def report_pdf(dialogue_id: int) -> ResponseReturnValue:
    """The approved outcomes, grouped by recommendation and theme, for the report's authors."""
    return _report(dialogue_id, "pdf")


@bp.get("/<int:dialogue_id>/outcomes/report.docx")
@requires(Permission.WRITE_OUTCOMES)
def report_docx(dialogue_id: int) -> ResponseReturnValue:
    return _report(dialogue_id, "docx")


# Each kind of outcomes report: what makes it, and its media type.
REPORTS = {"pdf": (outcomes_pdf, PDF_MIMETYPE), "docx": (outcomes_docx, DOCX_MIMETYPE)}


def _report(dialogue_id: int, kind: str) -> ResponseReturnValue:
    dialogue, now = _dialogue(dialogue_id), utcnow()
    render, mimetype = REPORTS[kind]
    try:
        content = render(book.outcomes_book(dialogue, now))
    except ExportUnavailable as missing:
        flash(f"The PDF cannot be made on this server: {missing}", "error")
        return redirect(url_for(".index", dialogue_id=dialogue.id))
    return Response(
        content,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{book.file_name(dialogue, now, kind)}"'
        },
    )


@bp.post("/<int:dialogue_id>/outcomes/next-edition")
@requires(Permission.APPROVE_OUTCOMES)
def next_edition(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue(dialogue_id)
    form = BaseForm()
    if not can(Permission.CREATE_DIALOGUE):
        flash("Only organisers who may start dialogues can plan the next edition.", "error")
    elif form.validate_on_submit() and (
        following := attempt_on(form, services.plan_next_edition, dialogue, current_user)
    ):
        flash(
            f"Draft of edition {following.edition} made, with {len(following.items)} proposed "
            "follow-up session(s) from the outcomes still open. Set its dates and details.",
            "success",
        )
        return redirect(url_for("organise.agenda", dialogue_id=following.id))
    return redirect(url_for(".index", dialogue_id=dialogue.id))
