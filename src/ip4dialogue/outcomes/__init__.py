"""Rapporteurs' notes, non-attributed outcomes, and each recommendation's progress over the
series."""
