"""Settings → API tokens: each member makes, names, lists and revokes their own tokens. A new
token is shown once, on the answer to the form that made it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from letdown.accounts import policy
from letdown.accounts.access import household_view
from letdown.accounts.models import User

from . import services
from .models import ApiToken


def _page(request: HttpRequest, **extra: object) -> dict[str, object]:
    user: User = request.user  # type: ignore[assignment]
    return {
        "tokens": ApiToken.objects.live().filter(household=user.household, user=user),
        "api_url": request.build_absolute_uri("/api/v1/"),
        **extra,
    }


@household_view(read=policy.Action.API_TOKENS, write=policy.Action.API_TOKENS)
@require_http_methods(["GET", "POST"])
def tokens_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "api/tokens.html", _page(request))
    try:
        row, token = services.create_token(
            user=request.user,  # type: ignore[arg-type]
            name=request.POST.get("name", ""),
            now=timezone.now(),
        )
    except services.TokenError as error:
        context = _page(request, error=str(error), name=request.POST.get("name", ""))
        return render(request, "api/tokens.html", context, status=400)
    # Not a redirect: this answer is the only place the token is ever shown.
    return render(request, "api/tokens.html", _page(request, new_token=token, new_row=row))


@household_view(read=policy.Action.API_TOKENS, write=policy.Action.API_TOKENS)
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = services.revoke_token(user=request.user, pk=pk, now=timezone.now())  # type: ignore[arg-type]
    except services.TokenError as exc:
        raise Http404 from exc
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": row.name})
    return redirect("api_tokens:tokens")
