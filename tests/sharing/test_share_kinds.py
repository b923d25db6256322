"""The shape of shareable kinds (ADR 0016): each app registers its own items and kinds in `<app>/shareable.py`; the
Share model's item columns and its check constraint are generated from that registry; sharing's own code names no
other app's kind or item; and the database itself keeps shares and their items whole."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from access import share_kinds
from sharing.models import Share, share_item_matches_what
from sharing.shareable import INTERVIEW_INTELLIGENCE

ROOT = Path(__file__).resolve().parent.parent.parent

# The one kind whose item another app registered, and why: intelligence from a return interview is sharing's own
# flow (sharing.IntelligenceItem), which names the interviews app's record it comes from.
BORROWED_ITEMS = {INTERVIEW_INTELLIGENCE: "interviews"}


def test_every_item_is_a_model_of_the_app_that_registers_it():
    for item in share_kinds.items():
        model = apps.get_model(item.model)
        assert model._meta.app_label == item.app_label, item
        assert (ROOT / item.app_label / "shareable.py").exists(), item


def test_every_kind_names_an_item_of_its_own_app_or_says_why_not():
    for kind in share_kinds.kinds():
        assert (ROOT / kind.app_label / "shareable.py").exists(), kind.code
        assert kind.item is not None, kind.code
        owner = share_kinds.item(kind.item).app_label
        assert owner == BORROWED_ITEMS.get(kind.code, kind.app_label), kind.code
        assert kind.missing_item, kind.code  # the error when the share does not name it
        if kind.on_share_page:
            assert kind.hint, kind.code


def test_registering_twice_or_an_unknown_item_is_refused():
    episode_kind = share_kinds.kinds()[0]
    with pytest.raises(share_kinds.RegistryError):
        share_kinds.register_kind(episode_kind)
    with pytest.raises(share_kinds.RegistryError):
        share_kinds.register_item(share_kinds.items()[0])
    with pytest.raises(share_kinds.RegistryError):
        share_kinds.register_kind(
            share_kinds.ShareKind(
                code="not_registered",
                label="x",
                app_label="sharing",
                order=99,
                item="no_such_item",
                may_share=lambda user, child, item: False,
                receiver_fields=frozenset(),
            )
        )
    assert share_kinds.kind("not_registered") is None


def test_the_share_item_columns_are_the_registered_items():
    """One nullable PROTECT foreign key per item, named as the item, to its model; no other item column."""
    registered = {item.field: apps.get_model(item.model) for item in share_kinds.items()}
    shareable_models = set(registered.values())
    columns = {
        field.name: field
        for field in Share._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model in shareable_models
    }
    assert set(columns) == set(registered)
    for name, field in columns.items():
        assert field.related_model is registered[name]
        assert field.null and field.remote_field.on_delete is models.PROTECT
        assert field.remote_field.related_name == "+"


def test_what_and_the_constraint_are_generated_from_the_kinds():
    assert Share._meta.get_field("what").choices == share_kinds.choices()
    constraint = next(c for c in Share._meta.constraints if c.name == "share_item_matches_what")
    assert constraint.condition == share_item_matches_what()
    # One branch per kind: its code, and every item column other than its own must be empty.
    assert len(constraint.condition.children) == len(share_kinds.kinds())
    for branch, kind in zip(constraint.condition.children, share_kinds.kinds(), strict=True):
        conditions = dict(branch.children)
        assert conditions["what"] == kind.code
        for item in share_kinds.items():
            if item.field != kind.item:
                assert conditions[f"{item.field}__isnull"] is True
        assert conditions.get(f"{kind.item}__isnull") is (False if kind.item_required else None)


def test_the_migrations_hold_the_generated_constraint():
    """The model and the migrations agree (what `makemigrations --check` checks for the whole project)."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    migrated = state.models["sharing", "share"].options["constraints"]
    by_name = {c.name: c for c in migrated}
    assert by_name["share_item_matches_what"].condition == share_item_matches_what()


def _sharing_modules() -> list[Path]:
    """sharing's generic code: every module but its own registration."""
    return [path for path in sorted((ROOT / "sharing").glob("*.py")) if path.name != "shareable.py"]


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def test_sharing_names_no_other_apps_kind_or_item():
    """No kind code of another app as a string, and no share's item column by name (`share.episode_id`): sharing
    asks the registry (`share.item`, `share_kinds.kind(...)`)."""
    others = {kind.code for kind in share_kinds.kinds() if kind.app_label != "sharing"}
    columns = {name for item in share_kinds.items() for name in (item.field, f"{item.field}_id")}
    found = []
    for path in _sharing_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in others:
                found.append(f"{path.name}:{node.lineno} {node.value!r}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in columns
                and isinstance(node.value, ast.Name)
                and "share" in node.value.id
            ):
                found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
            if isinstance(node, ast.Call) and _called(node) in {"share_record", "Share", "can_share", "filter"}:
                found += [f"{path.name}:{node.lineno} {k.arg}=" for k in node.keywords if k.arg in columns]
    assert found == []


def _share(world, **fields) -> Share:
    return Share.objects.create(
        child=world.child,
        to_agency=world.health,
        shared_at=timezone.now(),
        shared_by=world.users.coordinator,
        from_agency=world.north,
        lawful_basis="consent",
        child_consent="given",
        purpose="x",
        **fields,
    )


@pytest.mark.django_db
def test_the_database_refuses_an_item_that_is_not_the_kinds(world, records):
    """For every kind, another item's column, or no item where one is required: refused by the check
    constraint itself (IntegrityError, not a form), on SQLite and PostgreSQL alike."""
    for kind in share_kinds.kinds():
        own = {kind.item: getattr(records, kind.item)} if kind.item else {}
        for item in share_kinds.items():
            if item.field == kind.item:
                continue
            with pytest.raises(IntegrityError), transaction.atomic():
                _share(world, what=kind.code, **own, **{item.field: getattr(records, item.field)})
        if kind.item_required:
            with pytest.raises(IntegrityError), transaction.atomic():
                _share(world, what=kind.code)
        with transaction.atomic():  # and its own item alone is accepted
            assert _share(world, what=kind.code, **own).item == own.get(kind.item)


@pytest.mark.django_db
def test_a_shared_record_cannot_be_deleted_from_under_its_share(world, records, make_share):
    """No orphaned shares: the ORM refuses (PROTECT), and so does the database's foreign key."""
    share = make_share("episode_summary", to_agency=world.health)
    with pytest.raises(ProtectedError):
        records.episode.delete()
    table = records.episode._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [records.episode.pk])  # noqa: S608 (our table)
        connection.check_constraints(table_names=[Share._meta.db_table])
    assert Share.objects.get(pk=share.pk).item == records.episode
