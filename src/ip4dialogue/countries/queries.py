"""Countries as people pick them: grouped by NATO, the IP4 and others."""

from sqlalchemy import select

from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.extensions import db


def grouped_countries() -> dict[str, list[tuple[str, str]]]:
    """(code, name) pairs under each group's label, in the groups' order, names sorted."""
    groups: dict[str, list[tuple[str, str]]] = {group.label: [] for group in CountryGroup}
    for country in db.session.scalars(select(Country).order_by(Country.name)):
        groups[country.group.label].append((country.code, country.name))
    return {label: options for label, options in groups.items() if options}
