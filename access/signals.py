"""Sign-ins, sign-outs and failed sign-ins go into the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from access.audit import record_event
from access.models import AuditEvent


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs) -> None:
    record_event(actor=user, action=AuditEvent.Action.SIGN_IN, summary="Signed in")


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(actor=user, action=AuditEvent.Action.SIGN_OUT, summary="Signed out")


@receiver(user_login_failed)
def audit_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    # The username tried is kept (truncated) so an administrator can spot guessing; never the password.
    tried = str(credentials.get("username", ""))[:60]
    record_event(actor=None, action=AuditEvent.Action.SIGN_IN_FAILED, summary=f"Failed sign-in as {tried!r}")
