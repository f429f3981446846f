"""On PostgreSQL, the register's search by name (`name__icontains`, which Django writes as
`UPPER(name) LIKE UPPER('%…%')`) is served by a trigram index instead of a scan of every project. Other
databases have no such index and scan; the model's state does not change."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS project_name_trigram ON projects_project USING gin (UPPER(name) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS project_name_trigram"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_register_indicators_milestones_updates")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
