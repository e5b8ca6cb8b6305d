"""The programmes app's services (every write of the app), one module per part, re-exported."""

from giamngheo.programmes.services.catalogue import programme_delete, programme_update
from giamngheo.programmes.services.lists import (
    entry_add,
    entry_exclude,
    entry_restore,
    list_approve,
    list_generate,
    list_post,
)
from giamngheo.programmes.services.support import (
    SupportRecordInput,
    support_record_create,
    support_records_create_many,
)

__all__ = [
    "SupportRecordInput",
    "entry_add",
    "entry_exclude",
    "entry_restore",
    "list_approve",
    "list_generate",
    "list_post",
    "programme_delete",
    "programme_update",
    "support_record_create",
    "support_records_create_many",
]
