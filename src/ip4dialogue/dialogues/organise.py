"""Organisers' pages under /organise/: dialogues, rooms, the agenda, coverage and changes.

Views parse forms and render; services decide. A RuleViolation from a service is shown next
to the field it names, after the unit of work has been rolled back, and the form keeps what
the organiser typed; the page is then drawn from the dialogue loaded afresh.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from ip4dialogue import audit, signals
from ip4dialogue.access import Permission, can, organisers_only, requires
from ip4dialogue.confirmation import Confirmation, ask
from ip4dialogue.countries.queries import grouped_countries
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues import checks, consent, fair_times, queries, services
from ip4dialogue.dialogues.coverage import coverage
from ip4dialogue.dialogues.forms import (
    AgendaItemForm,
    DialogueForm,
    MoveItemForm,
    NoteForm,
    PlannerForm,
    PublishForm,
    RoomForm,
)
from ip4dialogue.dialogues.models import AgendaItem, Dialogue, ItemKind, Role, Room
from ip4dialogue.dialogues.programme import dialogue_days
from ip4dialogue.dialogues.queries import latest_release
from ip4dialogue.dialogues.releases import describe
from ip4dialogue.dialogues.timetable import day_table
from ip4dialogue.forms import attempt_and_say, choices, grouped_choices, show_violation
from ip4dialogue.institutions.queries import all_institutions
from ip4dialogue.jobs.queries import failures
from ip4dialogue.people.directory import people_to_choose
from ip4dialogue.people.models import Participant
from ip4dialogue.planning import measure
from ip4dialogue.report.queries import reference_data
from ip4dialogue.rules import RuleViolation
from ip4dialogue.unit_of_work import attempt

bp = organisers_only(Blueprint("organise", __name__, url_prefix="/organise"))

EMPTY_ROLE_ROWS = 2


def _room_choices(dialogue: Dialogue) -> list[SelectChoice]:
    return choices([(0, "No room"), *((room.id, room.name) for room in dialogue.rooms)])


def _dialogue_or_404(dialogue_id: int) -> Dialogue:
    return queries.dialogue_for_organiser(dialogue_id) or abort(404)


def _item_or_404(dialogue: Dialogue, item_id: int) -> AgendaItem:
    return next((item for item in dialogue.items if item.id == item_id), None) or abort(404)


def _room_or_404(dialogue: Dialogue, room_id: int) -> Room:
    return next((room for room in dialogue.rooms if room.id == room_id), None) or abort(404)


def _form_values(form: FlaskForm, names: list[str]) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in names}


@bp.get("/")
@requires(Permission.ORGANISE)
def dashboard() -> ResponseReturnValue:
    listed = queries.dialogues_listed(current_user.dialogue_ids())
    return render_template("dialogues/organise/dashboard.html", dialogues=listed)


# Dialogues

DIALOGUE_FIELDS = [
    "title",
    "slug",
    "edition",
    "summary",
    "start_date",
    "end_date",
    "timezone",
    "venue",
    "city",
    "country_code",
    "format",
    "chatham_house",
    "registration_mode",
    "capacity",
    "registration_opens",
    "registration_closes",
    "convener_ids",
    "send_updates_on_release",
    "contact_email",
    "invitation_reminder_days",
    "invitation_reminder_limit",
    "closing_notice_days",
    "day_before_schedule",
    "pending_digest",
]


def _dialogue_form(dialogue: Dialogue | None) -> DialogueForm:
    form = DialogueForm(obj=dialogue)
    form.country_code.choices = grouped_choices({"": [("", "Not set")], **grouped_countries()})
    form.convener_ids.choices = choices(
        (institution.id, institution.name) for institution in all_institutions()
    )
    if dialogue is not None and request.method == "GET":
        form.convener_ids.data = [institution.id for institution in dialogue.institutions]
        form.show_translations(dialogue.translations)
        form.registration_opens.data = services.local_input(
            dialogue, dialogue.registration_opens_at
        )
        form.registration_closes.data = services.local_input(
            dialogue, dialogue.registration_closes_at
        )
    return form


def _save_dialogue_form(form: DialogueForm, dialogue: Dialogue | None) -> Dialogue | None:
    values = _form_values(form, DIALOGUE_FIELDS)
    values["country_code"] = values["country_code"] or None
    values["translations"] = form.typed_translations(dialogue.translations if dialogue else {})
    try:
        return attempt(services.save_dialogue, dialogue, values, current_user)
    except RuleViolation as violation:
        show_violation(form, violation)
        return None


@bp.route("/dialogues/new", methods=["GET", "POST"])
@requires(Permission.CREATE_DIALOGUE)
def new_dialogue() -> ResponseReturnValue:
    form = _dialogue_form(None)
    if form.validate_on_submit() and (dialogue := _save_dialogue_form(form, None)):
        flash("Dialogue created as a draft. Add rooms and items, then publish it.", "success")
        return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    return render_template("dialogues/organise/dialogue_form.html", form=form, dialogue=None)


@bp.route("/dialogues/<int:dialogue_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_AGENDA)
def edit_dialogue(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    form = _dialogue_form(dialogue)
    if form.validate_on_submit():
        if _save_dialogue_form(form, dialogue):
            flash("Dialogue saved.", "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue_id))
        dialogue = _dialogue_or_404(dialogue_id)
    return render_template("dialogues/organise/dialogue_form.html", form=form, dialogue=dialogue)


@bp.get("/dialogues/<int:dialogue_id>")
@requires(Permission.VIEW)
def dialogue(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    return render_template(
        "dialogues/organise/dialogue.html",
        dialogue=dialogue,
        findings=_findings(dialogue),
        room_form=RoomForm(formdata=None),
        preview=services.preview(dialogue, utcnow()),
        release=latest_release(dialogue),
        describe=describe,
        failed_messages=failures(dialogue.id),
    )


def _findings(
    dialogue: Dialogue, audience: Mapping[str, int] | None = None
) -> list[checks.Finding]:
    """The check list, naming people only as the reader may see them; `audience` (head counts
    by home zone) is asked for when the caller has not."""
    reference = reference_data()
    named = can(Permission.SEE_NAMES, dialogue.id) or not dialogue.chatham_house
    name_of = checks.full_name if named else _name_if_consented
    return checks.check_agenda(
        dialogue,
        reference.recommendations,
        reference.themes,
        name_of,
        signals.audience_of(dialogue) if audience is None else audience,
    )


def _name_if_consented(person: Participant) -> str:
    return person.name if person.consent_to_be_listed else "Someone not named (no consent)"


def _publish_page(dialogue: Dialogue, form: PublishForm) -> ResponseReturnValue:
    """What publishing would change, in plain words, and the check list's open findings;
    with errors or clashes, publishing asks for a confirmation."""
    preview = services.preview(dialogue, utcnow())
    findings = _findings(dialogue)
    form.seen.data = preview.fingerprint
    return render_template(
        "dialogues/organise/publish.html",
        dialogue=dialogue,
        form=form,
        preview=preview,
        findings=findings,
        needs_confirmation=checks.needs_confirmation(findings),
        describe=describe,
    )


@bp.route("/dialogues/<int:dialogue_id>/publish", methods=["GET", "POST"])
@requires(Permission.PUBLISH)
def publish(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    form = PublishForm()
    if form.validate_on_submit():
        if checks.needs_confirmation(_findings(dialogue)) and not form.despite_findings.data:
            form.despite_findings.errors = ["Confirm that you publish despite these findings."]
            return _publish_page(dialogue, form)
        try:
            release = attempt(
                services.publish,
                dialogue,
                current_user,
                form.note.data or "",
                utcnow(),
                seen=form.seen.data or "",
            )
        except RuleViolation as violation:
            flash(violation.message, "error")
            return _publish_page(_dialogue_or_404(dialogue_id), PublishForm(formdata=None))
        if release is None:
            flash("Published again: the programme is public.", "success")
        else:
            flash(
                f"Release {release.number} published: the programme, the feeds and "
                "participants' calendars show it.",
                "success",
            )
        return redirect(url_for(".dialogue", dialogue_id=dialogue_id))
    return _publish_page(dialogue, form)


@bp.post("/dialogues/<int:dialogue_id>/withdraw")
@requires(Permission.PUBLISH)
def withdraw(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    if FlaskForm().validate_on_submit():
        services.withdraw(dialogue, current_user)
        flash("Back to draft: the programme and its feeds are no longer public.", "success")
    return redirect(url_for(".dialogue", dialogue_id=dialogue_id))


def _calendars_told(dialogue: Dialogue) -> str:
    """Who hears of a release: the same words wherever a confirmation promises one."""
    if dialogue.send_updates_on_release:
        return "each registered participant is emailed the change at once"
    return "participants' updates wait for you on the Calendar updates page"


def _cancelling(dialogue: Dialogue) -> Confirmation:
    release = latest_release(dialogue) or abort(404)  # never published: nothing to cancel
    told = (
        f"A new release cancels every session of release {release.number}: every calendar "
        "that subscribed to the programme or was sent an invitation is told, and "
        f"{_calendars_told(dialogue)}."
    )
    return Confirmation(
        question=f"Cancel {dialogue.title}?",
        consequences=[
            "The public programme says the dialogue is cancelled, and registration closes.",
            told,
            "Registrations stay as they are; publishing again reinstates the sessions.",
        ],
        confirm="Cancel the dialogue",
        back=url_for(".dialogue", dialogue_id=dialogue.id),
    )


@bp.route("/dialogues/<int:dialogue_id>/cancel", methods=["GET", "POST"])
@requires(Permission.PUBLISH)
def cancel(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return ask(_cancelling(dialogue), "dialogues/organise/cancel.html", form=form)
    attempt_and_say(
        "Cancelled: the programme says so, and every calendar is told.",
        services.cancel_dialogue,
        dialogue,
        current_user,
        form.note.data or "",
        utcnow(),
    )
    return redirect(url_for(".dialogue", dialogue_id=dialogue_id))


# Rooms

ROOM_FIELDS = ["name", "capacity", "join_url"]


def _save_room_form(form: RoomForm, dialogue: Dialogue, room: Room | None) -> bool:
    values = _form_values(form, ROOM_FIELDS)
    values["join_url"] = values["join_url"] or None
    try:
        attempt(services.save_room, dialogue, room, values, current_user)
    except RuleViolation as violation:
        show_violation(form, violation)
        return False
    return True


@bp.post("/dialogues/<int:dialogue_id>/rooms")
@requires(Permission.EDIT_AGENDA)
def add_room(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    form = RoomForm()
    if form.validate_on_submit():
        if _save_room_form(form, dialogue, None):
            flash(f"Room “{form.name.data}” added.", "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue_id) + "#rooms")
        dialogue = _dialogue_or_404(dialogue_id)
    return render_template(
        "dialogues/organise/room_form.html", form=form, dialogue=dialogue, room=None
    )


@bp.route("/dialogues/<int:dialogue_id>/rooms/<int:room_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_AGENDA)
def edit_room(dialogue_id: int, room_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    room = _room_or_404(dialogue, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        if _save_room_form(form, dialogue, room):
            flash("Room saved.", "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue_id) + "#rooms")
        dialogue = _dialogue_or_404(dialogue_id)
        room = _room_or_404(dialogue, room_id)
    return render_template(
        "dialogues/organise/room_form.html", form=form, dialogue=dialogue, room=room
    )


def _removing_room(room: Room) -> Confirmation:
    items = services.items_in(room)
    consequences = [f"“{room.name}” leaves the dialogue's rooms."]
    if items:
        titles = "; ".join(f"“{item.title}”" for item in items)
        consequences.append(
            f"{len(items)} session(s) stay on the agenda without a room: {titles}. The "
            "programme and calendars keep the room until you publish."
        )
    if unlimited := [i for i in items if i.kind == ItemKind.BREAKOUT and i.capacity is None]:
        consequences.append(
            "The room's seats no longer limit "
            + "; ".join(f"“{item.title}”" for item in unlimited)
            + ": whoever waits for a seat there gets one at once, and is emailed."
        )
    return Confirmation(
        question=f"Remove the room “{room.name}”?",
        consequences=consequences,
        confirm="Remove the room",
        back=url_for(".dialogue", dialogue_id=room.dialogue_id) + "#rooms",
    )


@bp.route("/dialogues/<int:dialogue_id>/rooms/<int:room_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_AGENDA)
def delete_room(dialogue_id: int, room_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    room = _room_or_404(dialogue, room_id)
    if not FlaskForm().validate_on_submit():
        return ask(_removing_room(room))
    services.delete_room(room, current_user)
    flash(f"Room “{room.name}” removed; its items are now without a room.", "success")
    return redirect(url_for(".dialogue", dialogue_id=dialogue.id) + "#rooms")


# Agenda


@bp.get("/dialogues/<int:dialogue_id>/agenda")
@requires(Permission.VIEW)
def agenda(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    findings = _findings(dialogue)
    days = {day: [] for day in dialogue_days(dialogue)}
    for item in dialogue.items:
        days.setdefault(item.starts_at.astimezone(dialogue.zone).date(), []).append(item)
    tables = [
        day_table(day, items, dialogue.rooms, dialogue.zone) for day, items in sorted(days.items())
    ]
    return render_template(
        "dialogues/organise/agenda.html",
        dialogue=dialogue,
        tables=tables,
        findings=findings,
        findings_by_item=checks.findings_by_item(findings),
    )


ITEM_FIELDS = ["kind", "title", "description", "status", "capacity", "signup_required"]


def _item_form(dialogue: Dialogue, item: AgendaItem | None) -> AgendaItemForm:
    form = AgendaItemForm(obj=item)
    reference = reference_data()
    form.room_id.choices = _room_choices(dialogue)
    form.themes.choices = choices((theme.id, theme.title) for theme in reference.themes)
    form.recommendations.choices = choices(
        (rec.id, f"{rec.number}. {rec.short_title}") for rec in reference.recommendations
    )
    if request.method == "GET":
        _fill_item_form(form, dialogue, item)
        if item is not None:
            _take_suggested_start(form, dialogue, item)
    people = choices(
        [(0, "Choose a person")]
        + [
            (
                person.id,
                f"{person.name}, {person.affiliation}" if person.affiliation else person.name,
            )
            for person in people_to_choose()
        ]
    )
    for entry in form.roles:
        entry.form.participant_id.choices = people
    return form


def _suggested_start() -> datetime | None:
    """A start picked from the fair-times strip (`?start=`, an instant in UTC), when it is
    one the measure can cost."""
    try:
        start = datetime.fromisoformat(request.args.get("start", ""))
    except ValueError:
        return None
    if start.tzinfo is None or not measure.FIRST_INSTANT <= start < measure.END_INSTANT:
        return None
    return start


def _take_suggested_start(form: AgendaItemForm, dialogue: Dialogue, item: AgendaItem) -> None:
    """The picked start fills the form, keeping the session's length; it is saved only when
    the organiser saves."""
    if (start := _suggested_start()) is None:
        return
    starts = start.astimezone(dialogue.zone)
    ends = (start + (item.ends_at - item.starts_at)).astimezone(dialogue.zone)
    form.day.data, form.start.data, form.end.data = starts.date(), starts.time(), ends.time()
    form.ends_next_day.data = ends.date() > starts.date()


def _fill_item_form(form: AgendaItemForm, dialogue: Dialogue, item: AgendaItem | None) -> None:
    """Show an item's instants as local day and times, and its links as ticked boxes. Its
    roles come from the item (the form's `obj`); empty rows follow, to add people."""
    if item is None:
        form.day.data = dialogue.start_date
        form.room_id.data = 0
    else:
        starts, ends = (
            moment.astimezone(dialogue.zone) for moment in (item.starts_at, item.ends_at)
        )
        form.day.data, form.start.data, form.end.data = starts.date(), starts.time(), ends.time()
        form.ends_next_day.data = ends.date() > starts.date()
        form.room_id.data = item.room_id or 0
        form.themes.data = [theme.id for theme in item.themes]
        form.recommendations.data = [rec.id for rec in item.recommendations]
        form.show_translations(item.translations)
    for _ in range(EMPTY_ROLE_ROWS):
        form.roles.append_entry()


def _role_choices(form: AgendaItemForm) -> list[services.RoleChoice]:
    return [
        services.RoleChoice(
            role=Role(entry.form.role.data),
            participant_id=entry.form.participant_id.data or None,
            new_name=(entry.form.new_name.data or "").strip(),
            new_email=entry.form.new_email.data or "",
            new_affiliation=entry.form.new_affiliation.data or "",
        )
        for entry in form.roles
    ]


def _save_item_form(
    form: AgendaItemForm, dialogue: Dialogue, item: AgendaItem | None
) -> AgendaItem | None:
    values = _form_values(form, ITEM_FIELDS) | {
        "room_id": form.room_id.data,
        "theme_ids": form.themes.data,
        "recommendation_ids": form.recommendations.data,
        "translations": form.typed_translations(item.translations if item else {}),
    }
    when = services.LocalTimes(
        form.day.data, form.start.data, form.end.data, form.ends_next_day.data
    )
    try:
        return attempt(
            services.save_item, dialogue, item, values, when, _role_choices(form), current_user
        )
    except RuleViolation as violation:
        show_violation(form, violation)
        return None


def _render_item_form(
    form: AgendaItemForm, dialogue: Dialogue, item: AgendaItem | None
) -> ResponseReturnValue:
    if item is None:
        findings: list[checks.Finding] = []
        times = None
    else:
        audience = signals.audience_of(dialogue)
        findings = checks.findings_by_item(_findings(dialogue, audience)).get(item.id, [])
        times = _fair_times(dialogue, item, audience)
    released = queries.released_agenda(dialogue)
    return render_template(
        "dialogues/organise/item_form.html",
        form=form,
        dialogue=dialogue,
        item=item,
        findings=findings,
        times=times,
        days=dialogue_days(dialogue),
        release=released.release,
        released=released.item(item.id) if item else None,
    )


def _fair_times(
    dialogue: Dialogue, item: AgendaItem, audience: Mapping[str, int]
) -> fair_times.DayStrip | None:
    """The fair-times strip for a session people join from afar (any session, on request),
    when the audience's home zones are known."""
    if not item.is_session or not (item.online or request.args.get("times")):
        return None
    current = _suggested_start() or item.starts_at
    day = current.astimezone(dialogue.zone).date()
    try:
        groups = measure.groups_of(audience)
        return fair_times.day_strip(groups, day, dialogue.zone, item.minutes, current)
    except measure.PlanningError:  # nobody gave a home zone yet, or a year it cannot cost
        return None


@bp.get("/dialogues/<int:dialogue_id>/fair-times")
@requires(Permission.VIEW)
def fair_times_page(dialogue_id: int) -> ResponseReturnValue:
    """What each group of the audience carried in each edition's sessions joined from afar,
    and the planner: the best starts of a date, plain and evening out the series' burden."""
    dialogue = _dialogue_or_404(dialogue_id)
    editions = [
        edition
        for edition in queries.editions_until(dialogue)
        if edition.id == dialogue.id or can(Permission.VIEW, edition.id)
    ]
    audiences = {edition.id: signals.audience_of(edition) for edition in editions}
    burden = fair_times.series_burden([(edition, audiences[edition.id]) for edition in editions])
    form = PlannerForm(request.args if request.args else None, day=dialogue.start_date)
    plain = balanced = None
    if request.args and form.validate():
        day, minutes = form.day.data, form.minutes.data
        try:
            groups = measure.groups_of(audiences[dialogue.id])
            plain = measure.rank(groups, day, minutes)[:5]
            if form.balance.data:
                balanced = measure.rank(groups, day, minutes, paid=burden.paid)[:5]
        except measure.PlanningError as error:
            form.day.errors = [*form.day.errors, str(error)]
    return render_template(
        "dialogues/organise/fair_times.html",
        dialogue=dialogue,
        burden=burden,
        form=form,
        plain=plain,
        balanced=balanced,
    )


@bp.route("/dialogues/<int:dialogue_id>/items/new", methods=["GET", "POST"])
@requires(Permission.EDIT_AGENDA)
def new_item(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    form = _item_form(dialogue, None)
    if form.validate_on_submit():
        if item := _save_item_form(form, dialogue, None):
            flash(f"“{item.title}” added to the agenda.", "success")
            return redirect(url_for(".edit_item", dialogue_id=dialogue_id, item_id=item.id))
        dialogue = _dialogue_or_404(dialogue_id)
    return _render_item_form(form, dialogue, None)


@bp.route("/dialogues/<int:dialogue_id>/items/<int:item_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_AGENDA)
def edit_item(dialogue_id: int, item_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    item = _item_or_404(dialogue, item_id)
    form = _item_form(dialogue, item)
    if form.validate_on_submit():
        if _save_item_form(form, dialogue, item):
            flash("Item saved.", "success")
            return redirect(url_for(".edit_item", dialogue_id=dialogue_id, item_id=item_id))
        dialogue = _dialogue_or_404(dialogue_id)
        item = _item_or_404(dialogue, item_id)
    return _render_item_form(form, dialogue, item)


@bp.post("/dialogues/<int:dialogue_id>/items/<int:item_id>/people/<int:participant_id>/ask")
@requires(Permission.EDIT_AGENDA)
def ask_consent(dialogue_id: int, item_id: int, participant_id: int) -> ResponseReturnValue:
    """Mail a person on the item a link to say whether the programme may name them."""
    dialogue = _dialogue_or_404(dialogue_id)
    item = _item_or_404(dialogue, item_id)
    role = next((role for role in item.roles if role.participant_id == participant_id), None)
    if role is None:
        abort(404)
    if FlaskForm().validate_on_submit() and attempt_and_say(
        f"{role.participant.name} is asked by email whether the programme may name them.",
        consent.ask_consent,
        role.participant,
        dialogue,
        utcnow(),
    ):
        asked = {"roles": [{"person": participant_id, "role": role.role.value}]}
        audit.record(
            "item.consent_asked", item, organiser=current_user, dialogue_id=dialogue.id, after=asked
        )
    return redirect(url_for(".edit_item", dialogue_id=dialogue_id, item_id=item_id))


@bp.post("/dialogues/<int:dialogue_id>/items/<int:item_id>/duplicate")
@requires(Permission.EDIT_AGENDA)
def duplicate_item(dialogue_id: int, item_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    item = _item_or_404(dialogue, item_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    copy = services.duplicate_item(item, current_user)
    flash("Item duplicated; adjust the copy and save it.", "success")
    return redirect(url_for(".edit_item", dialogue_id=dialogue.id, item_id=copy.id))


def _deleting_item(dialogue: Dialogue, item: AgendaItem) -> Confirmation:
    consequences = [f"“{item.title}” leaves the working copy of the agenda."]
    if queries.released_agenda(dialogue).session(item.id) is None:
        consequences.append("It is in no release, so no calendar has it.")
    else:
        consequences.append(
            "The programme and calendars keep it until you publish; the next release cancels "
            f"it in every calendar that has it, and {_calendars_told(dialogue)}."
        )
        if item.kind == ItemKind.BREAKOUT:
            consequences.append(
                "Nobody can choose this break-out any more; those who did keep their place "
                "until that release cancels it for them."
            )
    return Confirmation(
        question=f"Delete “{item.title}”?",
        consequences=consequences,
        confirm="Delete the item",
        back=url_for(".edit_item", dialogue_id=dialogue.id, item_id=item.id),
    )


@bp.route("/dialogues/<int:dialogue_id>/items/<int:item_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_AGENDA)
def delete_item(dialogue_id: int, item_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    item = _item_or_404(dialogue, item_id)
    if not FlaskForm().validate_on_submit():
        return ask(_deleting_item(dialogue, item))
    services.delete_item(item, current_user, utcnow())
    flash(f"“{item.title}” deleted.", "success")
    return redirect(url_for(".agenda", dialogue_id=dialogue.id))


@bp.post("/dialogues/<int:dialogue_id>/items/<int:item_id>/move")
@requires(Permission.EDIT_AGENDA)
def move_item(dialogue_id: int, item_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    item = _item_or_404(dialogue, item_id)
    form = MoveItemForm()
    form.room_id.choices = _room_choices(dialogue)
    if form.validate_on_submit():
        title = item.title
        try:
            attempt(
                services.move_item,
                item,
                form.day.data,
                form.start.data,
                form.room_id.data,
                current_user,
            )
            flash(f"“{title}” moved.", "success")
        except RuleViolation as violation:
            flash(f"“{title}” was not moved: {violation.message}", "error")
    else:
        problems = "; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        flash(f"“{item.title}” was not moved. {problems}", "error")
    return redirect(url_for(".agenda", dialogue_id=dialogue.id) + f"#item-{item.id}")


@bp.get("/dialogues/<int:dialogue_id>/coverage")
@requires(Permission.VIEW)
def coverage_matrix(dialogue_id: int) -> ResponseReturnValue:
    dialogue = _dialogue_or_404(dialogue_id)
    return render_template(
        "dialogues/organise/coverage.html",
        dialogue=dialogue,
        coverage=coverage(dialogue, reference_data()),
    )
