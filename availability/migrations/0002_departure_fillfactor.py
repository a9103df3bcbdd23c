"""Leave room in each departure page so seat-count updates stay HOT on PostgreSQL.

Every booking updates its departure row twice (take, confirm). With full
pages each update writes a new row version elsewhere and a new entry in all
five departure indexes; with free space in the page PostgreSQL updates in
place (heap-only tuple), since no indexed column changes. Existing rows move
to the new layout on the next table rewrite (VACUUM FULL or pg_repack).
SQLite has no such setting: nothing to do there.
"""

from django.db import migrations


def _fillfactor(percent: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE availability_departure SET (fillfactor = {percent})")

    return run


class Migration(migrations.Migration):
    dependencies = [("availability", "0001_initial")]

    operations = [migrations.RunPython(_fillfactor(80), _fillfactor(100))]
