"""Learn pages: the article list with search, each article with its comments, and deleting
one's own comment. Articles are public health education, readable without an account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from letdown.accounts import policy
from letdown.accounts.models import User
from letdown.accounts.policy import Action as A
from letdown.core.client import client_address

from . import selectors, services
from .articles import Article, search
from .forms import CommentForm
from .models import Comment, CommentStatus

QUERY_MAX_CHARS = 200
# Comments posted from this browser session, so a logged-out commenter sees hers while it
# waits for moderation.
OWN_COMMENTS_SESSION_KEY = "learn_own_comment_ids"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_MAX_CHARS]
    context: dict[str, Any] = {
        "query": query,
        "articles": selectors.articles_in_reading_order(),
        "notices": selectors.notices(),
    }
    if query:
        context["hits"] = search(
            selectors.articles(),
            query,
            limit=len(context["articles"]),
            language=selectors.reading_language(),
        )
    return render(request, "learn/index.html", context)


@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    """Every source the app cites, each with an anchor that {% cite %} links to."""
    context = {"sources": selectors.all_sources()}
    return render(request, "learn/sources.html", context)


@require_http_methods(["GET", "POST"])
def article(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_or_404(slug)
    if request.method == "POST":
        policy.require(request, A.COMMENT_POST)
        return _post_comment(request, article)
    reply_to = selectors.reply_target(article_slug=slug, pk=request.GET.get("replyto"))
    # Nothing of her account is filled in: the name shown is one she chooses (CommentForm).
    initial = {} if reply_to is None else {"parent": reply_to.parent_id or reply_to.pk}
    form = CommentForm(article_slug=slug, member=_member(request), initial=initial)
    return _render_article(request, article, form, reply_to=reply_to)


def _member(request: HttpRequest) -> User | None:
    return request.user if request.user.is_authenticated else None


def _post_comment(request: HttpRequest, article: Article) -> HttpResponse:
    form = CommentForm(request.POST, article_slug=article.slug, member=_member(request))
    if not form.is_valid():
        reply_to = form.cleaned_data.get("parent")
        return _render_article(request, article, form, reply_to=reply_to, status=400)
    now = timezone.now()
    address = client_address(request) or "unknown"
    if services.rate_limited(address=address, now=now):
        form.add_error(
            None,
            _(
                "You have posted several comments in the last few minutes. Please wait ten "
                "minutes and send this one again; your text is kept below."
            ),
        )
        reply_to = form.cleaned_data["parent"]
        return _render_article(request, article, form, reply_to=reply_to, status=429)
    services.count_post(address=address, now=now)
    thanks = _("Thank you. Your comment will appear once a moderator has approved it.")
    if form.is_bot:
        # Answered like a success, so a bot learns nothing; nothing is stored.
        messages.success(request, thanks)
        return redirect(article.url + "#comments")
    comment = services.post_comment(
        article_slug=article.slug,
        parent=form.cleaned_data["parent"],
        author=form.member,
        name=form.public_name,
        email=form.cleaned_data.get("email", ""),
        website=form.cleaned_data["website"],
        body=form.cleaned_data["body"],
        now=now,
        review_url=request.build_absolute_uri(reverse("admin:learn_comment_changelist"))
        + f"?status__exact={CommentStatus.PENDING}",
    )
    own = request.session.get(OWN_COMMENTS_SESSION_KEY, [])
    request.session[OWN_COMMENTS_SESSION_KEY] = [*own, comment.pk][-20:]
    messages.success(request, thanks)
    return redirect(f"{article.url}#comment-{comment.pk}")


def _render_article(
    request: HttpRequest,
    article: Article,
    form: CommentForm,
    *,
    reply_to: Comment | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "article": article,
        "notices": selectors.notices(),
        "step_links": selectors.routine_step_links(article),
        "threads": selectors.visible_threads(
            article_slug=article.slug,
            viewer=request.user,
            own_comment_ids=request.session.get(OWN_COMMENTS_SESSION_KEY, []),
        ),
        "form": form,
        "reply_to": reply_to,
        # A specialist reads only: no form to fill in and then see refused.
        "can_comment": policy.allows(request, A.COMMENT_POST),
    }
    return render(request, "learn/article.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the account that posted a comment may delete it; anyone else gets a 404."""
    comment = get_object_or_404(Comment, pk=pk, author=request.user)
    policy.require(request, A.COMMENT_POST)
    # The article may have been retired since; her comment can still be deleted.
    article = selectors.articles().get(comment.article_slug)
    back = article.url + "#comments" if article else reverse("learn:index")
    if request.method == "POST":
        services.delete_own_comment(comment=comment)
        messages.success(request, _("Your comment was deleted."))
        return redirect(back)
    context = {"comment": comment, "article": article, "back": back}
    return render(request, "learn/comment_delete.html", context)
