"""Errors of the notifications package; the CLI turns them into one line and an exit status."""


class NotificationError(Exception):
    """A mail could not be sent now; the message is one line for the terminal."""


class DeliveryFailed(NotificationError):
    """The digest was not accepted by the mail server: kept pending for a retry, or failed for good.

    Nothing is lost either way: a pending digest is sent by the next call, and a failed one
    gives its contents back to the next digest."""
