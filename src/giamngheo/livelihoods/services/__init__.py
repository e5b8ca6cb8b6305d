"""The livelihoods app's services (every write of the app), one module per part, re-exported."""

from giamngheo.livelihoods.services._shared import can_change_in
from giamngheo.livelihoods.services.groups import (
    group_approve,
    group_create,
    group_meeting_record,
    group_member_add,
)
from giamngheo.livelihoods.services.projects import (
    input_deliver,
    model_create,
    outcome_record,
    participant_add,
)

__all__ = [
    "can_change_in",
    "group_approve",
    "group_create",
    "group_meeting_record",
    "group_member_add",
    "input_deliver",
    "model_create",
    "outcome_record",
    "participant_add",
]
