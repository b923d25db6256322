"""The identity provider check as a job (django-tasks): queued daily by `run_scheduler` as a backstop; run it more
often with `manage.py check_identity_provider` from cron or a systemd timer (docs/identity.md)."""

import datetime as dt

from django.conf import settings
from django_tasks import task

from identity.checks import check_all


def provider_check_due(today: dt.date) -> bool:
    return settings.HOMEWARD_OIDC_ENABLED


@task()
def check_identity_provider() -> str:
    return check_all().describe()
