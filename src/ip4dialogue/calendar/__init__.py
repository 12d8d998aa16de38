"""Calendar files: pure builders from domain objects to icalendar, the feeds, and updates."""
