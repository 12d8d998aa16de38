"""Experts' pages: register, and their own private page reached by the emailed link."""

from datetime import datetime

from babel.dates import format_skeleton
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.exceptions import TooManyRequests

from ip4dialogue.confirmation import Confirmation, ask
from ip4dialogue.countries.queries import grouped_countries
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.queries import visible_dialogue
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.errors import throttled_page, too_many_attempts
from ip4dialogue.extensions import limiter, submitted_email
from ip4dialogue.forms import attempt_and_say, choices, grouped_choices, show_violation
from ip4dialogue.i18n import translated
from ip4dialogue.people.models import Profile
from ip4dialogue.registration import invitations, services
from ip4dialogue.registration.forms import (
    AnswersForm,
    BreakoutsForm,
    CalendarChoiceForm,
    InvitationRequestForm,
    ParticipantDetailsForm,
    RegistrationForm,
    by_email,
    calendar_choice_of,
)
from ip4dialogue.registration.models import (
    CONFIRMATION_HOURS,
    Registration,
    RegistrationStatus,
)
from ip4dialogue.registration.queries import registration_by_token
from ip4dialogue.registration.questions import questions_of
from ip4dialogue.report.queries import current_themes, themes_with_ids
from ip4dialogue.rules import RuleViolation
from ip4dialogue.templating import reader_span
from ip4dialogue.timezones import find_zone, zone_choices
from ip4dialogue.unit_of_work import attempt

bp = Blueprint("registration", __name__)
# Private links are 256-bit, so guessing is hopeless; this limit stops anyone trying anyway.
limiter.limit("120 per minute")(bp)


def _registration_or_404(token: str) -> Registration:
    """Unknown, rotated and erased links all look the same: not found."""
    return registration_by_token(token) or abort(404)


def breakout_label(item: ReleasedItem, seats_left: int | None, seats: int | None) -> str:
    """A break-out as a choice: its title, day and times in the dialogue's zone, and seats."""
    day = item.starts_at.astimezone(item.zone).date()
    when = {
        "title": translated(item, "title"),
        "day": format_skeleton("MMMEd", day, locale=get_locale()),
        "time": reader_span(item.starts_at, item.ends_at, item.zone, day),
    }
    if available := services.availability(seats_left, seats):
        return _("%(title)s (%(day)s, %(time)s, %(availability)s)", availability=available, **when)
    return _("%(title)s (%(day)s, %(time)s)", **when)


def _fill_choices(form: ParticipantDetailsForm) -> None:
    form.country_code.choices = grouped_choices(
        {"": [("", _("Choose your country"))], **grouped_countries()}
    )
    form.home_timezone.choices = grouped_choices({"": [("", _("Not given"))], **zone_choices()})
    form.expertise.choices = choices(
        (theme.id, translated(theme, "title")) for theme in current_themes()
    )


def _fill_breakout_choices(
    form: RegistrationForm | BreakoutsForm,
    offered: list[services.Breakout],
    seats: dict[int, int | None],
) -> None:
    form.breakouts.choices = choices(
        (
            breakout.item.id,
            breakout_label(breakout.shown, seats[breakout.item.id], breakout.item.seats),
        )
        for breakout in offered
    )


def _offered(form: RegistrationForm | BreakoutsForm, dialogue: Dialogue) -> None:
    """The break-outs a participant may choose on their page, with the seats left."""
    offered = services.breakouts(dialogue)
    _fill_breakout_choices(form, offered, services.breakout_seats_left(offered))


def _details(form: ParticipantDetailsForm, answers: AnswersForm) -> services.Details:
    profile = Profile(
        name=form.name.data,
        affiliation=form.affiliation.data,
        position=form.position.data or "",
        country_code=form.country_code.data,
        sector=form.sector.data,
        home_timezone=form.home_timezone.data or None,
        expertise=themes_with_ids(form.expertise.data or []),
        consent_to_be_listed=form.consent_to_be_listed.data,
    )
    return services.Details(
        profile,
        form.access_needs.data or "",
        form.dietary_needs.data or "",
        answers.answers(),
        form.language.data,
    )


def _application(form: RegistrationForm, answers: AnswersForm) -> services.Application:
    return services.Application(
        email=form.email.data,
        details=_details(form, answers),
        consent_data_processing=form.consent_data_processing.data,
        consent_chatham_house=form.consent_chatham_house.data,
        breakout_ids=form.breakouts.data or [],
        calendar_by_email=by_email(form.calendar_by.data),
    )


def _valid(form: FlaskForm, answers: AnswersForm) -> bool:
    """Both parts checked, so that every mistake is shown at once."""
    return all([form.validate_on_submit(), request.method == "POST" and answers.validate()])


def _done(response: Response) -> bool:
    """Only what was done (a registration made, a request sent) counts against an address's
    limit: a form sent back to be corrected costs nothing."""
    return response.status_code == 302


@bp.route("/dialogues/<slug>/register", methods=["GET", "POST"])
@limiter.limit("20 per minute;200 per hour", methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=submitted_email, deduct_when=_done)
def register(slug: str) -> ResponseReturnValue:
    """Throttled per address and per email, so nobody can flood an inbox or fill the room
    with invented experts."""
    now, code = utcnow(), request.values.get("code") or None
    desk, form, answers = _registration_form(slug, code, now)
    if request.method == "GET" and (reader_zone := find_zone(request.args.get("tz", ""))):
        form.home_timezone.data = reader_zone.key  # the zone they read the programme in
    if request.method == "GET" and desk.invitation is not None:
        invitation = desk.invitation
        form.email.data, form.name.data = invitation.email, invitation.name
        form.affiliation.data, form.code.data = invitation.affiliation, code
        form.language.data = invitation.language  # as the organisers wrote to them
    if not desk.closed and _valid(form, answers):
        try:
            outcome = attempt(services.register, desk, _application(form, answers), now)
        except RuleViolation as violation:
            show_violation(answers if violation.field in answers else form, violation)
            desk = services.desk(slug, code, now) or abort(404)  # afresh, after the rollback
        else:
            if outcome.token:
                flash(_("You are registered. This page is yours: bookmark it."), "success")
                return redirect(url_for(".manage", token=outcome.token))
            session["registration_sent_to"] = form.email.data
            return redirect(url_for(".sent", slug=slug))
    return _registration_page(desk, form, answers)


def _registration_form(
    slug: str, code: str | None, now: datetime
) -> tuple[services.Desk, RegistrationForm, AnswersForm]:
    """The dialogue's desk and its form, with what was sent (if anything) and the choices."""
    desk = services.desk(slug, code, now) or abort(404)
    form = RegistrationForm()
    _fill_choices(form)
    _fill_breakout_choices(form, desk.breakouts, desk.breakout_seats)
    return desk, form, AnswersForm(desk.questions, request.form or None)


def _registration_page(
    desk: services.Desk,
    form: RegistrationForm,
    answers: AnswersForm,
    request_form: InvitationRequestForm | None = None,
) -> str:
    """The form, or why there is none; where an invitation is what is missing, a request
    for one."""
    if request_form is None and desk.closed and invitations.takes_requests(desk.dialogue):
        request_form = InvitationRequestForm(formdata=None)
    return render_template(
        "registration/register.html",
        dialogue=desk.dialogue,
        form=form,
        answers=answers,
        blocked=desk.closed,
        invitation=None if desk.closed else desk.invitation,
        seats_left=desk.seats_left,
        request_form=request_form if desk.invitation_missing else None,
    )


@bp.post("/dialogues/<slug>/register/ask")
@limiter.limit("5 per hour", key_func=submitted_email, deduct_when=_done)
@limiter.limit("10 per hour")
def request_invitation(slug: str) -> ResponseReturnValue:
    """Throttled per address and per email: the organisers' inbox is not a free channel."""
    desk, form, answers = _registration_form(slug, None, utcnow())
    request_form = InvitationRequestForm()
    if request_form.validate_on_submit():
        asked = invitations.InvitationRequest(
            request_form.name.data.strip(),
            request_form.email.data,
            request_form.affiliation.data.strip(),
            (request_form.message.data or "").strip(),
        )
        if attempt_and_say(
            _("Your request has gone to the organisers; they will answer you by email."),
            invitations.request_invitation,
            desk.dialogue,
            asked,
        ):
            return redirect(url_for("dialogues.programme", slug=slug))
    return _registration_page(desk, form, answers, request_form)


@bp.errorhandler(429)
def _throttled(error: TooManyRequests) -> ResponseReturnValue:
    """A throttled registration comes back with everything typed, and the true wait."""
    if request.endpoint != "registration.register":
        return throttled_page(error)
    slug = (request.view_args or {})["slug"]
    desk, form, answers = _registration_form(slug, request.values.get("code") or None, utcnow())
    message, headers = too_many_attempts()
    flash(message, "error")
    return _registration_page(desk, form, answers), 429, headers


@bp.get("/dialogues/<slug>/register/sent")
def sent(slug: str) -> ResponseReturnValue:
    """The same answer for a new registration and for an address registered already."""
    dialogue = visible_dialogue(slug) or abort(404)
    to = session.get("registration_sent_to", "")
    return render_template(
        "registration/sent.html", dialogue=dialogue, to=to, hours=CONFIRMATION_HOURS
    )


@bp.route("/registrations/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> ResponseReturnValue:
    """The link in the email asks before it confirms: mail scanners open links, and must not
    spend a single-use link nor take a seat for anybody."""
    now = utcnow()
    try:
        registration = services.confirmation(token, now)
    except RuleViolation as violation:
        return render_template("registration/unconfirmed.html", message=violation.message), 404
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            manage_token = attempt(services.confirm, registration, now)
        except RuleViolation as violation:
            flash(violation.message, "error")
        else:
            flash(_("Your registration is confirmed. This page is yours: bookmark it."), "success")
            return redirect(url_for(".manage", token=manage_token))
    return render_template(
        "registration/confirm.html", form=form, dialogue=registration.dialogue, token=token
    )


@bp.route("/dialogues/<slug>/register/decline", methods=["GET", "POST"])
def decline_invitation(slug: str) -> ResponseReturnValue:
    code = request.values.get("code")
    desk = services.desk(slug, code, utcnow()) or abort(404)
    if desk.invitation is None or desk.closed:
        flash(_("This invitation cannot be declined any more."), "error")
        return redirect(url_for(".register", slug=slug, code=code))
    if not FlaskForm().validate_on_submit():
        title = translated(desk.dialogue, "title")
        return ask(
            Confirmation(
                question=_("Decline the invitation to %(title)s?", title=title),
                consequences=[
                    _("The organisers see that you declined; nobody else is told."),
                    _(
                        "The link in your invitation stops working. If you change your mind, "
                        "ask the organisers: they can send you a new one."
                    ),
                ],
                confirm=_("Decline the invitation"),
                back=url_for(".register", slug=slug, code=code),
                keep=_("Back to the invitation"),
                hidden={"code": code or ""},
            )
        )
    invitations.decline(desk.invitation)
    return render_template("registration/declined.html", dialogue=desk.dialogue)


def _manage_page(
    registration: Registration,
    details: ParticipantDetailsForm | None = None,
    answers: AnswersForm | None = None,
    breakouts: BreakoutsForm | None = None,
) -> ResponseReturnValue:
    dialogue, participant = registration.dialogue, registration.participant
    if details is None:
        details = ParticipantDetailsForm(obj=participant, formdata=None)
        details.access_needs.data = registration.access_needs
        details.dietary_needs.data = registration.dietary_needs
        details.expertise.data = [theme.id for theme in participant.expertise]
    if answers is None:
        answers = AnswersForm(questions_of(dialogue.id), registration=registration)
    calendar = CalendarChoiceForm(formdata=None)
    calendar.by.data = calendar_choice_of(registration.calendar_by_email)
    _fill_choices(details)
    if breakouts is None:
        breakouts = BreakoutsForm(formdata=None)
        breakouts.breakouts.data = [s.item_id for s in registration.signups if s.active]
    _offered(breakouts, dialogue)
    return render_template(
        "registration/manage.html",
        registration=registration,
        dialogue=dialogue,
        participant=participant,
        details=details,
        answers=answers,
        calendar=calendar,
        breakouts=breakouts,
        signups={signup.item_id: signup for signup in registration.signups},
        status=services.STATUS_LABELS[registration.status],
        rank=services.waitlist_rank(registration),
        active=registration.status.active,
    )


@bp.route("/registrations/<token>", methods=["GET", "POST"])
def manage(token: str) -> ResponseReturnValue:
    registration = _registration_or_404(token)
    if request.method == "GET":
        return _manage_page(registration)
    form = ParticipantDetailsForm()
    _fill_choices(form)
    answers = AnswersForm(questions_of(registration.dialogue_id), request.form, registration)
    if _valid(form, answers):
        try:
            services.update_details(registration, _details(form, answers))
        except RuleViolation as violation:
            show_violation(answers, violation)
        else:
            flash(_("Your details are saved."), "success")
            return redirect(url_for(".manage", token=token))
    return _manage_page(registration, details=form, answers=answers)


@bp.route("/registrations/<token>/link", methods=["GET", "POST"])
def replace_link(token: str) -> ResponseReturnValue:
    """The holder replaces the private link, when it was forwarded or seen by someone else."""
    registration = _registration_or_404(token)
    if not FlaskForm().validate_on_submit():
        return ask(
            Confirmation(
                question=_("Replace the link to this page?"),
                consequences=[
                    _(
                        "Every link to this page we have sent you stops working, and so does "
                        "the calendar subscription made from one."
                    ),
                    _("This page reopens at a new address, which we also email to you."),
                ],
                confirm=_("Replace my link"),
                back=url_for(".manage", token=token),
                keep=_("Keep my link"),
            )
        )
    new_token = services.replace_own_link(registration)
    flash(_("Your link is replaced: the old ones no longer work. Bookmark this page."), "success")
    return redirect(url_for(".manage", token=new_token))


@bp.post("/registrations/<token>/calendar")
def choose_calendar(token: str) -> ResponseReturnValue:
    registration = _registration_or_404(token)
    form = CalendarChoiceForm()
    if form.validate_on_submit():
        if services.choose_calendar(registration, by_email(form.by.data)):
            flash(_("Saved. We have emailed you what it changes in your calendar."), "success")
        else:
            flash(_("That was your choice already: nothing changes."), "info")
    else:
        flash(_("Choose how your sessions come to your calendar."), "error")
    return redirect(url_for(".manage", token=token) + "#calendar")


@bp.post("/registrations/<token>/breakouts")
def breakouts(token: str) -> ResponseReturnValue:
    registration = _registration_or_404(token)
    form = BreakoutsForm()
    _offered(form, registration.dialogue)
    if form.validate_on_submit():
        try:
            attempt(services.set_breakouts, registration, form.breakouts.data or [])
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(_("Your break-out choices are saved."), "success")
            return redirect(url_for(".manage", token=token) + "#breakouts")
    return _manage_page(_registration_or_404(token), breakouts=form)


def _your_seat(registration: Registration) -> list[str]:
    """What giving up this registration does to its seats, in the expert's words."""
    leaving = services.leaving(registration)
    if leaving.successor is not None:
        words = [_("Your seat goes to the next person on the waitlist, who is emailed.")]
    elif leaving.frees_seat:
        words = [_("Your seat becomes free for someone else.")]
    elif registration.status == RegistrationStatus.WAITLISTED:
        words = [_("You leave the waitlist.")]
    else:
        words = [_("The organisers no longer review your registration.")]
    if leaving.breakouts:
        words.append(_("Your break-out places go to whoever waits next for them."))
    return words


def _cancelling(registration: Registration, token: str) -> Confirmation:
    title = translated(registration.dialogue, "title")
    return Confirmation(
        question=_("Cancel your registration for %(title)s?", title=title),
        consequences=[
            *_your_seat(registration),
            _("You are emailed a confirmation, which removes the sessions from your calendar."),
            _("To come back you would register again, and wait for a seat if none is free."),
        ],
        confirm=_("Cancel my registration"),
        back=url_for(".manage", token=token),
        keep=_("Keep my registration"),
    )


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str) -> ResponseReturnValue:
    registration = _registration_or_404(token)
    if not FlaskForm().validate_on_submit():
        return ask(_cancelling(registration, token))
    attempt_and_say(_("Your registration is cancelled."), services.cancel, registration)
    return redirect(url_for(".manage", token=token))


def _erasing(registration: Registration, token: str) -> Confirmation:
    withdrawn = registration.status.active and not registration.dialogue.ended
    return Confirmation(
        question=_("Erase your data?"),
        consequences=[
            _(
                "Your name, email, organisation, position and needs are removed from this "
                "service for good, and no email is sent to you again, not even about this."
            ),
            *(_your_seat(registration) if withdrawn else []),
            _("This page and your calendar link stop working. This cannot be undone."),
        ],
        confirm=_("Erase my data"),
        back=url_for(".manage", token=token),
        keep=_("Keep my data"),
    )


@bp.route("/registrations/<token>/erase", methods=["GET", "POST"])
def erase(token: str) -> ResponseReturnValue:
    registration = _registration_or_404(token)
    if not FlaskForm().validate_on_submit():
        return ask(_erasing(registration, token))
    dialogue = registration.dialogue
    services.erase(registration)
    return render_template("registration/erased.html", dialogue=dialogue)
