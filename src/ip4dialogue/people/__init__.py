"""People: experts and speakers, their consent to be named, and erasure of their data."""
