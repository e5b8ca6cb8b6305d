from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Accent-insensitive, typo-tolerant search (unaccent + pg_trgm)."""

    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [UnaccentExtension(), TrigramExtension()]
