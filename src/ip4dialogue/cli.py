"""Command-line interface: `flask --app ip4dialogue ...`, or the `ip4dialogue` script."""

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ip4dialogue import backups
from ip4dialogue.accounts import teams
from ip4dialogue.accounts.administration import add_institution, reset_second_factor
from ip4dialogue.accounts.models import Organiser
from ip4dialogue.accounts.services import (
    Visit,
    create_organiser,
    find_organiser,
    forget_account_events,
)
from ip4dialogue.api.services import forget_uses
from ip4dialogue.calendar import services as calendar
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution
from ip4dialogue.institutions.queries import institution_with_slug
from ip4dialogue.jobs import schedule
from ip4dialogue.planning import measure
from ip4dialogue.registration import services as registration_services
from ip4dialogue.registration.queries import home_zones
from ip4dialogue.resources import resource_dir
from ip4dialogue.rules import RuleViolation
from ip4dialogue.seeding import load_seed
from ip4dialogue.unit_of_work import transaction


def describe_unreachable_database(url: str, error: OperationalError) -> str:
    """One line naming the database (without its password) and the driver's reason."""
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    shown = make_url(url).render_as_string(hide_password=True)
    return f"cannot reach the database {shown}: {reason} (check IP4DIALOGUE_DATABASE_URL)"


class _CommandsReportingDatabaseErrors(AppGroup):
    """The app's command group; a database that cannot be reached ends any command with one
    clear line instead of a traceback, including commands of extensions such as `db`."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        return None if command is None else _reporting_database_errors(command)


def _reporting_database_errors(command: click.Command) -> click.Command:
    wrapped = copy.copy(command)
    invoke = command.invoke

    def invoke_reporting(ctx: click.Context) -> Any:
        try:
            return invoke(ctx)
        except OperationalError as error:
            url = db.engine.url.render_as_string(hide_password=False)
            raise click.ClickException(describe_unreachable_database(url, error)) from None

    wrapped.invoke = invoke_reporting  # type: ignore[method-assign]
    return wrapped


def _one_transaction(command: click.Command) -> click.Command:
    """One of our commands is one unit of work: committed when it returns, rolled back (mail
    and all) when it fails. A refusal by a rule ends it with the rule's reason."""
    wrapped = copy.copy(command)
    invoke = command.invoke

    def invoke_in_transaction(ctx: click.Context) -> Any:
        try:
            with transaction():
                return invoke(ctx)
        except RuleViolation as violation:
            raise click.ClickException(violation.message) from None

    wrapped.invoke = invoke_in_transaction  # type: ignore[method-assign]
    return wrapped


@click.command("seed")
def seed_command() -> None:
    """Load the report, countries and sample dialogues from seed/ (safe to run again)."""
    changes = load_seed(resource_dir("seed"))
    if not changes:
        click.echo("Seed data already loaded; nothing changed.")
        return
    for what, count in sorted(changes.items()):
        click.echo(f"{what}: {count}")


organiser_group = AppGroup("organiser", help="Manage organiser accounts.")


@organiser_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The organiser's name, as shown in the app.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 12 characters; asked for when omitted, so it stays out of shell history.",
)
@click.option(
    "--admin", is_flag=True, help="A site administrator (the first account always is one)."
)
@click.option(
    "--institution",
    "institution_slugs",
    multiple=True,
    metavar="SLUG",
    help="An institution they work for (repeat for several); who has one may create dialogues.",
)
def create_organiser_command(
    email: str, name: str, password: str, admin: bool, institution_slugs: tuple[str, ...]
) -> None:
    """Create an organiser account that can log in at /login."""
    institutions = [_institution(slug) for slug in institution_slugs]
    organiser = create_organiser(email, name, password, admin=admin, institutions=institutions)
    role = "site administrator" if organiser.is_admin else "organiser"
    click.echo(f"Organiser {organiser.email} created ({role}).")


@organiser_group.command("reset-two-factor")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Turn off the second factor of the account EMAIL, whose owner lost their phone and their
    recovery codes (the last administrator, say); they are emailed, and log in with their
    password alone."""
    organiser = _organiser(email)
    reset_second_factor(organiser, None, Visit("", "command line"))
    click.echo(f"The second factor of {organiser.email} is off; every session of it has ended.")


def _institution(slug: str) -> Institution:
    found = institution_with_slug(slug)
    if found is None:
        raise RuleViolation("institution", f"No institution {slug!r}; create it first.")
    return found


def _dialogue(slug: str) -> Dialogue:
    found = db.session.scalars(select(Dialogue).where(Dialogue.slug == slug)).one_or_none()
    if found is None:
        raise RuleViolation("dialogue", f"No dialogue at {slug!r}.")
    return found


def _organiser(email: str) -> Organiser:
    found = find_organiser(email)
    if found is None:
        raise RuleViolation("email", f"No organiser account for {email!r}.")
    return found


institution_group = AppGroup("institution", help="Manage the institutions organisers work for.")


@institution_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Its full name, as dialogues name their conveners.")
def create_institution_command(slug: str, name: str) -> None:
    """Create an institution, named on the command line and in seed files by SLUG."""
    institution = add_institution(slug, name, None)
    click.echo(f"Institution {institution.slug} ({institution.name}) created.")


team_group = AppGroup("team", help="Manage who has which role on a dialogue's team.")


@team_group.command("add")
@click.argument("slug")
@click.argument("email")
@click.argument("role_name", metavar="ROLE")
def team_add_command(slug: str, email: str, role_name: str) -> None:
    """Give the organiser EMAIL the ROLE (owner, editor, registrar, rapporteur or viewer) on
    the dialogue at SLUG, or change the role they have."""
    new_role = teams.role(role_name)
    member = teams.give_role(_dialogue(slug), _organiser(email), new_role, None)
    click.echo(f"{member.organiser.email} is {member.role.value} of {slug}.")


@team_group.command("remove")
@click.argument("slug")
@click.argument("email")
def team_remove_command(slug: str, email: str) -> None:
    """Take the organiser EMAIL off the team of the dialogue at SLUG."""
    dialogue, organiser = _dialogue(slug), _organiser(email)
    member = teams.member_of(dialogue, organiser)
    if member is None:
        raise RuleViolation("email", f"{organiser.email} is not on the team of {slug}.")
    teams.remove(member, None)
    click.echo(f"{organiser.email} is no longer on the team of {slug}.")


@click.command("send-updates")
@click.option("--dialogue", "slug", help="Only this dialogue (its web address); all by default.")
@click.option("--dry-run", is_flag=True, help="Show who would get what, and send nothing.")
def send_updates_command(slug: str | None, dry_run: bool) -> None:
    """Send participants one message each with their calendar updates since the last ones."""
    query = select(Dialogue).where(Dialogue.status != DialogueStatus.DRAFT).order_by(Dialogue.id)
    if slug:
        query = query.where(Dialogue.slug == slug)
    dialogues = db.session.scalars(query).all()
    if slug and not dialogues:
        raise click.ClickException(f"No published dialogue at {slug!r}.")
    for dialogue in dialogues:
        pending = calendar.pending_updates(dialogue.id)
        click.echo(f"{dialogue.title}: {len(pending)} participant(s) to update")
        for due in pending:
            changes = [f"update {item.title}" for item in due.requests]
            changes += [f"cancel {delivery.title}" for delivery in due.cancellations]
            click.echo(f"  {due.registration.participant.email}: {'; '.join(changes)}")
        if not dry_run and pending:
            calendar.send_updates(dialogue.id)
    click.echo("Nothing sent (dry run)." if dry_run else "Done.")


@click.command("run-scheduled")
def run_scheduled_command() -> None:
    """Run the scheduled work once: invitation reminders, "registration closes soon",
    day-before schedules, the organisers' digest. A worker's beat does it every
    IP4DIALOGUE_SCHEDULE_SECONDS; without a broker, run this from cron."""
    failed = []
    for name, sent in schedule.run_all().items():
        click.echo(f"{name}: " + ("failed (see the log)" if sent is None else f"{sent} sent"))
        if sent is None:
            failed.append(name)
    if failed:
        raise click.ClickException(f"{len(failed)} scheduled task(s) failed: {', '.join(failed)}.")


@click.command("purge")
@click.option(
    "--before",
    "before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Dialogues that ended before this date (YYYY-MM-DD).",
)
def purge_command(before: datetime) -> None:
    """Remove the personal data of registrations to dialogues that ended before a date, and
    the record of organisers' logins (with the addresses they came from) and the log of API
    tokens' uses before it."""
    count = registration_services.purge(before.date())
    click.echo(f"Personal data removed from {count} registration(s).")
    forgotten = forget_account_events(before.replace(tzinfo=UTC))
    click.echo(
        f"Record of organisers' logins: {forgotten} entr{'y' if forgotten == 1 else 'ies'} removed."
    )
    uses = forget_uses(before.replace(tzinfo=UTC))
    click.echo(f"Log of API tokens' uses: {uses} entr{'y' if uses == 1 else 'ies'} removed.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent snapshot of the database to PATH, while the app keeps serving."""
    try:
        written = backups.backup(db.engine, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {written} ({written.stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.confirmation_option(prompt="This replaces everything in the database. Go on?")
def restore_command(path: Path) -> None:
    """Replace the database's contents with the backup at PATH."""
    try:
        backups.restore(db.engine, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {path}.")


@click.command("plan-times")
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="The date (UTC).")
@click.option("--minutes", required=True, metavar="N", help="How long the session lasts.")
@click.option(
    "--zone",
    "zones",
    multiple=True,
    metavar="ZONE=COUNT",
    help="A group: an IANA zone and how many join from it (repeat for each group).",
)
@click.option("--dialogue", "slug", help="Take the groups from this dialogue's registrants.")
@click.option("--step", default="30", show_default=True, help="Minutes between candidate starts.")
@click.option("--top", default="5", show_default=True, help="How many of the best starts to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def plan_times_command(
    day: str,
    minutes: str,
    zones: tuple[str, ...],
    slug: str | None,
    step: str,
    top: str,
    as_json: bool,
) -> None:
    """Rank the start instants of a session over the 24 hours from 00:00 UTC of a date by the
    fair-times measure: the worst burden any group carries, then the head-weighted total."""
    try:
        date_asked, length, every, best_few = (
            _date(day),
            _whole("--minutes", minutes),
            _whole("--step", step),
            _whole("--top", top, least=1),
        )
        groups = _groups(slug, zones)
        best = measure.rank(groups, date_asked, length, step=every)[:best_few]
    except measure.PlanningError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps([_slot_record(slot) for slot in best], indent=2))
        return
    click.echo(
        f"The best {len(best)} starts (UTC) for a {length}-minute session on "
        f"{date_asked:%Y-%m-%d}, every {every} minutes:"
    )
    for place, slot in enumerate(best, 1):
        click.echo(
            f"{place}. {slot.start:%Y-%m-%dT%H:%MZ}  worst {slot.worst:.2f}  total {slot.total:.2f}"
        )
        for group in groups:
            click.echo(f"     {group.zone} ({group.count}): {slot.local_span(group.zone)}")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise measure.PlanningError(f"Give the date as YYYY-MM-DD: {text!r} is not one.") from None


def _whole(option: str, text: str, least: int = 0) -> int:
    try:
        number = int(text)
    except ValueError:
        raise measure.PlanningError(
            f"{option} takes a whole number: {text!r} is not one."
        ) from None
    if number < least:
        raise measure.PlanningError(f"{option} takes a number of at least {least}.")
    return number


def _groups(slug: str | None, zones: tuple[str, ...]) -> list[measure.Group]:
    """The groups named on the command line, or those of a dialogue's registrants."""
    if not slug:
        return [measure.parse_group(text) for text in zones]
    if zones:
        raise measure.PlanningError("Give the groups with --zone or with --dialogue, not both.")
    counts = home_zones(_dialogue(slug).id)
    if not counts:
        raise measure.PlanningError(f"No registered participant of {slug} gave a home time zone.")
    return measure.groups_of(counts)


def _slot_record(slot: measure.Slot) -> dict[str, Any]:
    return {
        "start_utc": f"{slot.start:%Y-%m-%dT%H:%M:%SZ}",
        "worst": slot.worst,
        "total": slot.total,
        "local": {zone: slot.local_span(zone) for zone in slot.burdens},
        "burdens": slot.burdens,
        "people": slot.counts,
    }


@click.command(
    "worker", context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
)
@click.pass_context
def worker_command(ctx: click.Context) -> None:
    """Start a Celery worker that also runs the beat schedule (small deployments). Options
    after `worker` go to `celery worker`, e.g. `--concurrency 4`."""
    celery = current_app.extensions.get("celery")
    if celery is None:
        raise click.ClickException(
            "IP4DIALOGUE_BROKER_URL is not set: a worker needs a broker (e.g. "
            "redis://127.0.0.1:6379/0). Without one, mail is delivered in-process after each "
            "commit and no worker is needed."
        )
    celery.worker_main(["worker", "--beat", "--loglevel", "INFO", *ctx.args])


def register(app: Flask) -> None:
    commands = _CommandsReportingDatabaseErrors(app.cli.name)
    commands.commands.update(app.cli.commands)
    for command in (
        seed_command,
        organiser_group,
        institution_group,
        team_group,
        send_updates_command,
        purge_command,
        plan_times_command,
    ):
        commands.add_command(_one_transaction(command))
    commands.add_command(backup_command)
    commands.add_command(restore_command)
    commands.add_command(worker_command)
    commands.add_command(run_scheduled_command)
    app.cli = commands


def main() -> None:
    """The `ip4dialogue` console script: the Flask CLI with this app preloaded."""
    from ip4dialogue import create_app

    FlaskGroup(create_app=create_app, help=__doc__).main()
