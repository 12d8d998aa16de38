"""Participants, registrations, invitations, capacity and waitlists."""
