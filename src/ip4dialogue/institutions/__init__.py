"""Institutions: the think tanks and foundations that convene dialogues and employ organisers.

Reference data, like countries: dialogues name their conveners, accounts their staff, so the
model sits below both; site administrators (accounts) and the seed write it.
"""
