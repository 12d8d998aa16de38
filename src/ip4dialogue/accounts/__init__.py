"""Organiser accounts, login, and the audit trail of what organisers do."""
