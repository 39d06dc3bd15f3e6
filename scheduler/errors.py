"""Errors a user can fix; the CLI prints them as one line."""


class UserError(Exception):
    """A mistake in what the user asked for (a missing file, an unknown source, ...)."""
