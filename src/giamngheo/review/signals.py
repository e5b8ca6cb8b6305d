"""Signals the review sends for the apps above it (which may not be imported from here).

``decision_recorded``: a recognition decision was issued (``services.decision_issue``), inside
its transaction. Arguments: ``decision`` (the ``Decision``), ``actor``. The reports app listens
and refreshes the commune's figures for the decision's year once the transaction commits.
"""

from __future__ import annotations

from django.dispatch import Signal

decision_recorded = Signal()
