"""The one base of the refusals a person can act on.

A service refuses a request (a stale version, a date out of order, a role that may not act) by
raising a subclass of ``DomainError`` with a translated message. Views show the message as it is
(``lib.views.attempt``, ``lib.views.form_attempt``); the API will return it as structured JSON.
Programming errors stay other exception types, so they are never dressed up as a refusal.

It subclasses ``ValueError`` because the app errors it replaces did, and callers outside the
project (scripts, the Django shell) may still catch ``ValueError``.
"""

from __future__ import annotations


class DomainError(ValueError):
    """A refusal by the rules of the domain, with a message meant for the user."""
