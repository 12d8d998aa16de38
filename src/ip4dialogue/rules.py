"""The one exception services raise when a rule refuses a change."""


class RuleViolation(ValueError):
    """A rule that refuses a change, with a message fit to show; `field` names the form field
    to show it on, or is None for the form as a whole."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
