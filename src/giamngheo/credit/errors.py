"""The credit app's refusals (Vietnamese messages, shown by the views)."""

from giamngheo.lib.errors import DomainError


class CreditError(DomainError):
    """A loan, repayment, check or revolving-fund turn that cannot be recorded."""
