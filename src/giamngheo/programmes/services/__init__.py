"""The programmes app's services (every write of the app), one module per part, re-exported."""

from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.services.catalogue import (
    programme_delete,
    programme_update,
    require_editor,
)
from giamngheo.programmes.services.lists import (
    entry_add,
    entry_exclude,
    entry_restore,
    list_approve,
    list_export_record,
    list_generate,
    list_post,
)
from giamngheo.programmes.services.support import (
    SupportRecordInput,
    support_record_create,
    support_records_create_many,
)

__all__ = [
    "ProgrammeError",
    "SupportRecordInput",
    "entry_add",
    "entry_exclude",
    "entry_restore",
    "list_approve",
    "list_export_record",
    "list_generate",
    "list_post",
    "programme_delete",
    "programme_update",
    "require_editor",
    "support_record_create",
    "support_records_create_many",
]
