"""The livelihoods pages, one module per part, re-exported for ``urls.py``."""

from giamngheo.livelihoods.views.groups import (
    group_approve,
    group_detail,
    group_list,
    group_new,
    meeting_new,
    member_new,
)
from giamngheo.livelihoods.views.projects import (
    input_new,
    inputs,
    model_detail,
    model_list,
    model_new,
    model_xlsx,
    outcome_edit,
    outcomes,
    participant_new,
    participants,
)

__all__ = [
    "group_approve",
    "group_detail",
    "group_list",
    "group_new",
    "input_new",
    "inputs",
    "meeting_new",
    "member_new",
    "model_detail",
    "model_list",
    "model_new",
    "model_xlsx",
    "outcome_edit",
    "outcomes",
    "participant_new",
    "participants",
]
