"""Single sign-on (the start and the provider's callback) and the administrator's pages: accounts, agencies and
identity-provider group mappings. Thin: every change is an action in identity/actions.py (or accounts' two-factor
reset); every record is reached through identity/scoping.py (another agency's account is a 404)."""

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from requests import RequestException

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent, Role, RoleAssignment
from access.tokens import issue_token, register_client_with_token, revoke_client, revoke_token
from accounts.two_factor import confirmed_device, mark_verified_by_provider, reset_two_factor, two_factor_not_required
from core.encryption import decrypt, encrypt
from core.forms import submitted
from core.pages import crumb
from identity import actions
from identity.actions import NewAccount
from identity.backends import REFUSAL_ATTRIBUTE
from identity.bulk import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, BulkAddRefused, bulk_add_users
from identity.forms import (
    AccountStatusForm,
    AddAgencyForm,
    AddUserForm,
    BulkAddForm,
    ChangeUserForm,
    GroupMappingForm,
    PersonTokenForm,
    SystemClientForm,
)
from identity.scoping import (
    agencies_for,
    can_add_agencies,
    clients_for,
    get_client_for_admin,
    get_mapping_for_admin,
    get_token_for_admin,
    get_user_for_admin,
    mappings_for,
    require_administrator,
    tokens_for,
    users_for,
)

# --- single sign-on ------------------------------------------------------------------------------------------


def _require_sign_on() -> None:
    if not settings.HOMEWARD_OIDC_ENABLED:
        raise Http404("Single sign-on is not set up.")


@login_not_required
@two_factor_not_required
def sign_on(request: HttpRequest) -> HttpResponse:
    """Send the person to the identity provider (authorisation code flow with PKCE, a state and a nonce)."""
    _require_sign_on()
    return OIDCAuthenticationRequestView.as_view()(request)


class _Callback(OIDCAuthenticationCallbackView):
    def login_success(self) -> HttpResponse:
        response = super().login_success()
        evidence = getattr(self.user, "provider_mfa_evidence", "")
        if evidence:
            mark_verified_by_provider(self.request, evidence=evidence)
        return response

    def login_failure(self) -> HttpResponse:
        message = getattr(self.request, REFUSAL_ATTRIBUTE, "") or (
            "Signing in through your organisation's account did not work. Try again, or ask your administrator."
        )
        return _refused(self.request, message)


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    record_event(actor=None, action=AuditEvent.Action.SIGN_IN_FAILED, summary=f"Single sign-on refused: {message}")
    return TemplateResponse(request, "identity/sign_on_refused.html", {"message": message}, status=status)


@login_not_required
@two_factor_not_required
def sign_on_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the person back: the code is exchanged, the id token checked (signature, issuer,
    audience, expiry, nonce), the groups mapped; with the provider's MFA asserted the code step is passed too."""
    _require_sign_on()
    try:
        return _Callback.as_view()(request)
    except SuspiciousOperation:
        return _refused(request, "The sign-in could not be checked. Start again from the sign-in page.", 400)
    except RequestException:
        return _refused(request, "The identity provider could not be reached or refused the sign-in. Try again.", 502)


# --- accounts ------------------------------------------------------------------------------------------------


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [crumb("Administration", "identity:users"), *extra]


def users(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_administrator(request.user)
    people = (
        users_for(request.user)
        .select_related("agency", "provider_account")
        .prefetch_related(Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role")))
        .order_by("agency__name", "last_name", "first_name", "username")
    )
    context = {
        "people": people,
        "can_add_agencies": can_add_agencies(request.user),
        "new_accounts": _pop_new_accounts(request),
        "enrolment_hours": settings.HOMEWARD_ENROLMENT_CODE_HOURS,
    }
    return render(request, "identity/users.html", context)


def user_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    admin = request.user
    require_administrator(admin)
    form = AddUserForm(submitted(request), user=admin)
    if request.method == "POST" and form.is_valid():
        account = form.call_action(actions.create_user, acting_user=admin, **form.cleaned_data)
        if account is not None:
            return _accounts_added(request, [account])
    return render(request, "identity/user_add.html", {"form": form, "breadcrumbs": _crumbs()}, status=form.status_code)


NEW_ACCOUNTS_SESSION_KEY = "identity_new_accounts"


def _accounts_added(request: AuthenticatedHttpRequest, accounts: list[NewAccount]) -> HttpResponse:
    """Post/Redirect/Get: the new accounts' first passwords and enrolment codes go (encrypted) into this session and
    the users page shows them once, then forgets them. Homeward keeps no other copy."""
    request.session[NEW_ACCOUNTS_SESSION_KEY] = [
        {"user": account.user.pk, "secret": encrypt(f"{account.password}\n{account.enrolment_code}")}
        for account in accounts
    ]
    return redirect("identity:users")


def _pop_new_accounts(request: AuthenticatedHttpRequest) -> list[NewAccount]:
    pending = request.session.pop(NEW_ACCOUNTS_SESSION_KEY, [])
    people = users_for(request.user).in_bulk([item["user"] for item in pending])
    shown = []
    for item in pending:
        if item["user"] in people:
            password, code = decrypt(item["secret"]).split("\n")
            shown.append(NewAccount(user=people[item["user"]], password=password, enrolment_code=code))
    return shown


def user_detail(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """One account: change its details, agency and roles (optimistic locking: a stale page is refused)."""
    admin = request.user
    person = get_user_for_admin(admin, user_id)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "agency": person.agency_id,
        "roles": sorted(person.roles),
        "version": person.version,
    }
    form = ChangeUserForm(submitted(request), user=admin, initial=initial)
    if request.method == "POST" and form.is_valid():
        answers = dict(form.cleaned_data)
        version = answers.pop("version")
        changed = form.call_action(actions.update_user, person, acting_user=admin, expected_version=version, **answers)
        if changed is not None:
            messages.success(request, f"{changed}'s account was saved")
            return redirect("identity:user", person.pk)
    context = {
        "form": form,
        "person": person,
        "single_sign_on": actions.signs_in_through_provider(person),
        "has_authenticator": confirmed_device(person) is not None,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "identity/user_detail.html", context, status=form.status_code)


def user_status(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Deactivate an account (or reactivate it): confirm, with a reason for the audit trail."""
    admin = request.user
    person = get_user_for_admin(admin, user_id)
    form = AccountStatusForm(submitted(request), initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        changed = form.call_action(
            actions.set_active,
            person,
            acting_user=admin,
            expected_version=form.cleaned_data["version"],
            active=not person.is_active,
            reason=form.cleaned_data["reason"],
        )
        if changed is not None:
            messages.success(
                request, f"{changed}'s account was {'reactivated' if changed.is_active else 'deactivated'}"
            )
            return redirect("identity:user", person.pk)
    crumbs = _crumbs(crumb(str(person), "identity:user", person.pk))
    context = {"form": form, "person": person, "breadcrumbs": crumbs}
    return render(request, "identity/user_status.html", context, status=form.status_code)


def user_reset_two_factor(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Remove the person's authenticator app and issue a new enrolment code (shown once)."""
    admin = request.user
    person = get_user_for_admin(admin, user_id)
    crumbs = _crumbs(crumb(str(person), "identity:user", person.pk))
    if person.pk == admin.pk:
        raise PermissionDenied("Ask another administrator to reset your own two-factor sign-in.")
    if request.method == "POST":
        removed, code, expires_at = reset_two_factor(person, actor=admin)
        context = {"person": person, "removed": removed, "code": code, "expires_at": expires_at, "breadcrumbs": crumbs}
        return render(request, "identity/two_factor_reset.html", context)
    return render(request, "identity/user_reset_two_factor.html", {"person": person, "breadcrumbs": crumbs})


def bulk_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add many accounts from a CSV file: all or nothing, every refusal named by row and column."""
    admin = request.user
    require_administrator(admin)
    form = BulkAddForm(submitted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            added = bulk_add_users(upload.read(), acting_user=admin, agencies=agencies_for(admin))
        except BulkAddRefused as refused:
            for problem in refused.problems:
                form.add_error("file", problem)
        else:
            return _accounts_added(request, added)
    context = {
        "form": form,
        "required_columns": REQUIRED_COLUMNS,
        "optional_columns": OPTIONAL_COLUMNS,
        "agencies": agencies_for(admin).order_by("name"),
        "role_choices": Role.choices,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "identity/bulk_add.html", context)


# --- agencies ------------------------------------------------------------------------------------------------


def agencies(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_administrator(request.user)
    context = {
        "agencies": agencies_for(request.user).order_by("kind", "name"),
        "can_add": can_add_agencies(request.user),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "identity/agencies.html", context)


def agency_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A council's administrator adds a school, health body, return interview provider or other agency in the
    council's area."""
    admin = request.user
    require_administrator(admin)
    if not can_add_agencies(admin):
        raise PermissionDenied("Only a council's administrator adds agencies, in the council's area.")
    form = AddAgencyForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        agency = form.call_action(
            actions.add_agency, acting_user=admin, local_authority=admin.agency, **form.cleaned_data
        )
        if agency is not None:
            messages.success(request, f"{agency} was added")
            return redirect("identity:agencies")
    crumbs = _crumbs(crumb("Agencies", "identity:agencies"))
    return render(request, "identity/agency_add.html", {"form": form, "breadcrumbs": crumbs}, status=form.status_code)


# --- identity-provider group mappings ------------------------------------------------------------------------


def group_mappings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which groups at the identity provider give which role at which agency; add one on the same page."""
    admin = request.user
    require_administrator(admin)
    form = GroupMappingForm(submitted(request), user=admin)
    if request.method == "POST" and form.is_valid():
        mapping = form.call_action(actions.add_group_mapping, acting_user=admin, **form.cleaned_data)
        if mapping is not None:
            messages.success(request, f"Members of {mapping.group} will hold {mapping.get_role_display()}")
            return redirect("identity:group-mappings")
    context = {
        "form": form,
        "mappings": mappings_for(admin).order_by("agency__name", "group", "role"),
        "sign_on_enabled": settings.HOMEWARD_OIDC_ENABLED,
        "provider_name": settings.HOMEWARD_OIDC_PROVIDER_NAME,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "identity/group_mappings.html", context, status=form.status_code)


def group_mapping_remove(request: AuthenticatedHttpRequest, mapping_id: int) -> HttpResponse:
    admin = request.user
    mapping = get_mapping_for_admin(admin, mapping_id)
    if request.method == "POST":
        actions.remove_group_mapping(mapping, acting_user=admin)
        messages.success(request, f"{mapping.group} no longer gives {mapping.get_role_display()}")
        return redirect("identity:group-mappings")
    crumbs = _crumbs(crumb("Single sign-on groups", "identity:group-mappings"))
    return render(request, "identity/group_mapping_remove.html", {"mapping": mapping, "breadcrumbs": crumbs})


# --- API credentials -----------------------------------------------------------------------------------------

NEW_TOKEN_SESSION_KEY = "identity_new_api_token"  # noqa: S105 (a session key name, not a secret)


def _start_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def api_credentials(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The API tokens of the accounts an administrator looks after, and the system clients of their agencies:
    listed with scopes, expiry and last use; a token is issued (to a person or a new system client) on the same
    page and shown once."""
    admin = request.user
    require_administrator(admin)
    posted = submitted(request)
    which = request.POST.get("form") if request.method == "POST" else None
    client_form = SystemClientForm(posted if which == "client" else None, prefix="client")
    person_form = PersonTokenForm(posted if which == "person" else None, prefix="person", user=admin)
    if which == "client" and client_form.is_valid():
        data = client_form.cleaned_data
        result = client_form.call_action(
            register_client_with_token,
            name=data["client_name"],
            agency=admin.agency,
            role=data["role"],
            scopes=data["scopes"],
            expires_at=_start_of_day(data["expires_on"]),
            token_name=data["name"],
            acting_user=admin,
        )
        if result is not None:
            request.session[NEW_TOKEN_SESSION_KEY] = encrypt(result[1])
            messages.success(request, f"{result[0].name} was registered")
            return redirect("identity:api-credentials")
    if which == "person" and person_form.is_valid():
        data = person_form.cleaned_data
        token = person_form.call_action(
            issue_token,
            data["person"],
            scopes=data["scopes"],
            expires_at=_start_of_day(data["expires_on"]),
            name=data["name"],
            acting_user=admin,
        )
        if token is not None:
            request.session[NEW_TOKEN_SESSION_KEY] = encrypt(token)
            messages.success(request, f"A token was issued to {data['person']}")
            return redirect("identity:api-credentials")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    context = {
        "tokens": tokens_for(admin).order_by("revoked_at", "-created_at"),
        "clients": clients_for(admin).order_by("name"),
        "client_form": client_form,
        "person_form": person_form,
        "new_token": decrypt(new_token) if new_token else None,
        "now": timezone.now(),
        "breadcrumbs": _crumbs(),
    }
    status = 400 if which and request.method == "POST" else 200
    return render(request, "identity/api_credentials.html", context, status=status)


def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    admin = request.user
    api_token = get_token_for_admin(admin, token_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    revoke_token(api_token, acting_user=admin)
    messages.success(request, f"The token {api_token.prefix}… was revoked")
    return redirect("identity:api-credentials")


def api_client_revoke(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    """Switch a system client off: its tokens are revoked, its account can no longer act and its webhooks stop."""
    admin = request.user
    system = get_client_for_admin(admin, client_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    revoke_client(system, acting_user=admin)
    messages.success(request, f"{system.name} was revoked: its tokens no longer work and it receives no more events")
    return redirect("identity:api-credentials")
