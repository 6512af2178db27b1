"""Account pages: profile and API tokens, language, and the admins' users list and handover; login uses Django's views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services, tokens
from accounts.choices import Role
from accounts.forms import HandoverForm, LanguageForm, ProfileForm, TokenForm, UserFilterForm
from accounts.holdings import holding_counts, holdings_of, holdings_providers
from accounts.models import ApiToken, User
from accounts.services import user_set_language


class SignInView(auth_views.LoginView):
    """Django's login page, with the single sign-on button while it is on (read per request)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            sso_enabled=settings.MRM_SSO_ENABLED,
            sso_provider_name=settings.OIDC_PROVIDER_NAME,
            password_for_admins_only=settings.MRM_LOCAL_LOGIN == "admins",
        )
        return context


def _profile_page(request, *, form=None, token_form=None, issued=None, status=200):
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form or ProfileForm(instance=request.user),
            "token_form": token_form or TokenForm(),
            "tokens": ApiToken.objects.visible_to(request.user),
            "token_days": settings.MRM_TOKEN_DAYS,
            "issued": issued,
        },
        status=status,
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.instance.language:
            translation.activate(form.instance.language)
        messages.success(request, _("Your profile was saved."))
        return HttpResponseRedirect(reverse("accounts:profile"))
    return _profile_page(request, form=form)


@login_required
@require_POST
@never_cache
def token_create(request):
    """Issue a named API token and show its key on this one page (never stored, never shown again)."""
    token_form = TokenForm(request.POST)
    if not token_form.is_valid():
        return _profile_page(request, token_form=token_form, status=400)
    try:
        issued = tokens.token_issue(user=request.user, name=token_form.cleaned_data["name"])
    except ValidationError as exc:
        for message in exc.messages:
            token_form.add_error("name", message)
        return _profile_page(request, token_form=token_form, status=400)
    return _profile_page(request, issued=issued)


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one of the signed-in user's tokens; another user's token is a 404."""
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    tokens.token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return HttpResponseRedirect(reverse("accounts:profile") + "#api-tokens")


@require_POST
def set_language(request):
    """Switch the interface language: saved on the user, and in a cookie for the login page."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            httponly=True,
        )
    return response


# --- users and handover (PRODUCT.md §7), administrators only ----------------------------------

USERS_PER_PAGE = 50


def _require_admin(request) -> None:
    if not request.user.is_mrm_admin:
        raise PermissionDenied(_("Only administrators manage users and handovers."))


@login_required
def users(request):
    """Every user with what they still hold, so an admin sees who can leave and who needs a handover."""
    _require_admin(request)
    form = UserFilterForm(request.GET or None)
    status, query = "active", ""
    if form.is_valid():
        status = form.cleaned_data["status"] or "active"
        query = form.cleaned_data["q"].strip()
    people = User.objects.with_roles_and_teams().order_by("username")
    if status == "active":
        people = people.filter(is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(display_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    page = Paginator(people, USERS_PER_PAGE).get_page(request.GET.get("page"))
    counts = holding_counts(person.pk for person in page)
    labels = {provider.key: provider.label for provider in holdings_providers()}
    rows = [
        {
            "person": person,
            "roles": [Role(role).label for role in sorted(person.roles)],
            "holdings": [(labels[kind], count) for kind, count in counts[person.pk].items()],
            "total": sum(counts[person.pk].values()),
        }
        for person in page
    ]
    return render(
        request,
        "accounts/users.html",
        {"form": form, "rows": rows, "page": page, "status": status, "query": query},
    )


@login_required
def user_handover(request, pk: int):
    """Everything the user holds, grouped by kind; the admin picks new holders and applies it in one step."""
    _require_admin(request)
    person = get_object_or_404(User.objects.with_roles_and_teams(), pk=pk)
    held = holdings_of(person)
    form = HandoverForm(request.POST if request.method == "POST" else None, user=person, holdings=held)
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.user_handover(
                user=person,
                by=request.user,
                to_user=form.cleaned_data["to_user"],
                assignments=form.assignments(),
                deactivate=form.cleaned_data["deactivate"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                ngettext("%(count)s item was handed over.", "%(count)s items were handed over.", summary.total)
                % {"count": summary.total},
            )
            if summary.deactivated:
                messages.success(request, _("%(user)s was deactivated.") % {"user": person.full_name})
            return HttpResponseRedirect(reverse("accounts:user_handover", args=[person.pk]))
    return render(request, "accounts/handover.html", {"person": person, "holdings": held, "form": form})


@login_required
@require_POST
def user_deactivate(request, pk: int):
    """Deactivate from the handover page; refused with the list of holdings while anything is held."""
    _require_admin(request)
    person = get_object_or_404(User, pk=pk)
    try:
        services.user_deactivate(user=person, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(reverse("accounts:user_handover", args=[person.pk]))
    messages.success(request, _("%(user)s was deactivated.") % {"user": person.full_name})
    return HttpResponseRedirect(reverse("accounts:users") + "?status=inactive")
