"""Countries as people pick them: grouped by NATO, the IP4 and others."""

from sqlalchemy import select

from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.extensions import db


def grouped_countries() -> dict[str, list[tuple[str, str]]]:
    """(code, name) pairs under each group's label, in the groups' order, names sorted: all in
    the language being written."""
    groups: dict[str, list[tuple[str, str]]] = {group.label: [] for group in CountryGroup}
    for country in db.session.scalars(select(Country)):
        groups[country.group.label].append((country.code, country.local_name))
    return {
        label: sorted(options, key=lambda option: option[1])
        for label, options in groups.items()
        if options
    }
