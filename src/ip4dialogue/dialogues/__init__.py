"""Dialogues, their rooms and agendas, and the public programme."""
