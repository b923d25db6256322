"""The migrations, in the order Django applies them, never add a column that an earlier migration already added.

SQLite rebuilds a table for each added field, so a second AddField of the same field passes there silently;
PostgreSQL answers `column ... already exists` and the database cannot be migrated (children 0004 once added
Child.version again after main's 0003 had added it, when two branches' migrations were renumbered)."""

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField
from django.db.migrations.state import ProjectState


def test_no_migration_adds_a_field_already_added() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)  # the files only: no database
    plan: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    state = ProjectState(real_apps=loader.unmigrated_apps)
    added_twice = []
    for key in plan:
        migration = loader.graph.nodes[key]
        for operation in migration.operations:
            if isinstance(operation, AddField):
                model = state.models[migration.app_label, operation.model_name_lower]
                if operation.name_lower in {name.lower() for name in model.fields}:
                    added_twice.append(
                        f"{migration.app_label}.{migration.name}: {operation.model_name}.{operation.name}"
                    )
            operation.state_forwards(migration.app_label, state)
    assert not added_twice, f"fields added a second time: {added_twice}"
