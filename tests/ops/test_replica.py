"""The dashboards read from a replica when one is configured (core/replica.py): tested with two real databases.

Run with DATABASE_REPLICA_URL set (another local database: pytest-django creates its test copy too), e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/homeward_ops
DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5432/homeward_ops_replica. Without it the routing tests run and
the two-database tests are skipped.
"""

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from access.models import Agency, AgencyKind, AuditEvent, RoleAssignment, User
from children.models import Child
from core.replica import reads_from_replica

two_databases = pytest.mark.skipif(
    "replica" not in settings.DATABASES, reason="set DATABASE_REPLICA_URL to a second local database"
)


def test_without_a_replica_everything_reads_the_primary(db):
    if "replica" in settings.DATABASES:
        pytest.skip("a replica is configured for this run")
    with reads_from_replica():
        assert Child.objects.all().db == "default"


@two_databases
def test_inside_the_block_ordinary_models_read_the_replica_and_the_audit_chain_never(db):
    with reads_from_replica():
        assert Child.objects.all().db == "replica"
        assert AuditEvent.objects.all().db == "default"
    assert Child.objects.all().db == "default"


@two_databases
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_row_only_on_the_replica_is_seen_only_through_it():
    Agency.objects.using("replica").create(kind=AgencyKind.OTHER, name="Only on the replica", code="REPLICA")
    assert not Agency.objects.filter(code="REPLICA").exists()
    with reads_from_replica():
        assert Agency.objects.filter(code="REPLICA").exists()


@two_databases
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_dashboard_reads_the_replica_and_writes_its_audit_to_the_primary(world):
    for model in (Agency, User, RoleAssignment, Child):  # what replication would have copied
        model.objects.using("replica").bulk_create(list(model.objects.order_by("pk")))
    client = Client()
    client.force_login(world.users.analyst)
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/analytics/")
    assert response.status_code == 200
    assert any("analytics_" in query["sql"] for query in on_replica.captured_queries)
    assert not any(
        "analytics_" in query["sql"] and query["sql"].lstrip().upper().startswith("SELECT")
        for query in on_primary.captured_queries
    )
    assert not any("INSERT" in query["sql"] for query in on_replica.captured_queries)
    assert any(
        "INSERT" in query["sql"] and "access_auditevent" in query["sql"] for query in on_primary.captured_queries
    )
