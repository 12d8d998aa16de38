"""Countries as people pick them: grouped by NATO, the IP4 and others."""

from sqlalchemy import select

from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.extensions import db


def grouped_countries() -> dict[str, list[tuple[str, str]]]:
    """(code, name) pairs under each group's label, in the groups' order, names sorted."""
    groups: dict[str, list[tuple[str, str]]] = {group.label: [] for group in CountryGroup}
    rows = db.session.execute(
        select(Country.code, Country.name, Country.group).order_by(Country.name)
    )
    for code, name, group in rows:
        groups[group.label].append((code, name))
    return {label: options for label, options in groups.items() if options}
