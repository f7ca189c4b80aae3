"""Read-side helpers for the Learn pages: articles in reading order, which articles to offer
after a session or a leak, and the comments a given reader may see."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.utils.translation import get_language, gettext

from letdown.accounts.models import User

from .articles import Article, Notices, load_articles, load_library, load_notices
from .models import Comment, CommentStatus
from .references import Source, load_references

# The order a parent new to all this would read them in: the reflex, what starts it, how to
# help it, then what can go wrong and when to get help. Articles not listed follow by title.
READING_ORDER = (
    "what-is-let-down",
    "what-sets-it-off",
    "helping-let-down",
    "anxiety-and-let-down",
    "first-time-parents",
    "leaks",
    "d-mer",
    "when-to-ask-for-help",
)

# A first let-down later than this (from the start of stimulation) counts as slow: more than
# twice the two-minute stimulation phase pumps run while waiting for the first let-down.
SLOW_FIRST_LETDOWN_S = 5 * 60

AFTER_SLOW_SESSION = ("helping-let-down", "anxiety-and-let-down", "first-time-parents")
FIRST_LACTATION_ONLY = frozenset({"first-time-parents"})
AFTER_LEAK = ("leaks",)

ROUTINE_STEP_URL = "/routines/steps/{slug}/"


def articles() -> dict[str, Article]:
    """Every article in the request's language, each in English where it has no current
    translation; the same slugs and URLs in every language."""
    return load_articles(language=get_language())


def reading_language() -> str:
    """The language whose articles (and search rules) this request gets."""
    return load_library().language_for(get_language())


def notices() -> Notices:
    """The disclaimer and product caution in the request's language."""
    return load_notices(get_language())


def articles_in_reading_order() -> list[Article]:
    chosen = articles()
    listed = [chosen[slug] for slug in READING_ORDER if slug in chosen]
    rest = sorted(
        (a for slug, a in chosen.items() if slug not in READING_ORDER), key=lambda a: a.title
    )
    return listed + rest


def all_sources() -> list[Source]:
    """Every entry of the shared references file, by first author (or body) and year."""
    return sorted(load_references().values(), key=lambda source: source.short.casefold())


def article_or_404(slug: str) -> Article:
    article = articles().get(slug)
    if article is None:
        raise Http404(f"no article {slug!r}")
    return article


def slow_or_absent_letdown(*, ended: bool, time_to_first_letdown_s: float | None) -> bool:
    """A finished session whose first let-down came late, or was never logged. A running
    session has simply not had its let-down yet."""
    if not ended:
        return False
    return time_to_first_letdown_s is None or time_to_first_letdown_s > SLOW_FIRST_LETDOWN_S


def articles_after_session(
    *, ended: bool, time_to_first_letdown_s: float | None, lactation_number: int
) -> list[Article]:
    """What to offer on a session's page: nothing after an ordinary let-down; after a slow or
    absent one, how to help it along, anxiety, and (in a first lactation) first-time parents."""
    if not slow_or_absent_letdown(ended=ended, time_to_first_letdown_s=time_to_first_letdown_s):
        return []
    slugs = [
        slug
        for slug in AFTER_SLOW_SESSION
        if lactation_number == 1 or slug not in FIRST_LACTATION_ONLY
    ]
    return _existing(slugs)


def articles_after_leak() -> list[Article]:
    return _existing(AFTER_LEAK)


def _existing(slugs: Collection[str]) -> list[Article]:
    # A missing article must not break the logbook page that offers it; a test checks that
    # every slug named here exists.
    chosen = articles()
    return [chosen[slug] for slug in slugs if slug in chosen]


def routine_step_links(article: Article) -> list[tuple[str, str]]:
    """(url, title) of each Routine step the article names, in the article's order."""
    from letdown.routines.catalogue import STEP_TYPES

    return [
        (ROUTINE_STEP_URL.format(slug=slug), gettext(STEP_TYPES[slug].title))
        for slug in article.routine_steps
    ]


# --- Comments -----------------------------------------------------------------------------


def comments_awaiting_moderation() -> int:
    return Comment.objects.filter(status=CommentStatus.PENDING).count()


def moderator_emails() -> list[str]:
    """The addresses of the active staff accounts that may moderate comments (superusers
    included), each once."""
    staff = User.objects.filter(is_active=True, is_staff=True).exclude(email="").order_by("pk")
    emails: list[str] = []
    for user in staff:
        if user.has_perm("learn.change_comment") and user.email not in emails:
            emails.append(user.email)
    return emails


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def visible_threads(
    *,
    article_slug: str,
    viewer: AbstractBaseUser | AnonymousUser,
    own_comment_ids: Collection[int],
) -> list[Thread]:
    """Approved comments with their replies, oldest first, plus the viewer's own comments
    still waiting for moderation (hers by account, or posted from this browser session).
    Nobody else's unapproved comment is ever included."""
    visible = Q(status=CommentStatus.APPROVED)
    own_pending = Q(status=CommentStatus.PENDING) & Q(pk__in=list(own_comment_ids))
    if viewer.is_authenticated:
        own_pending |= Q(status=CommentStatus.PENDING) & Q(author_id=viewer.pk)
    comments = list(Comment.objects.on_article(article_slug).filter(visible | own_pending))
    threads: dict[int, Thread] = {}
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment)
    for comment in comments:
        # A reply whose thread is hidden (its first comment marked spam) is hidden with it.
        if comment.parent_id is not None and comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    return list(threads.values())


def reply_target(*, article_slug: str, pk: int | str | None) -> Comment | None:
    """The approved comment on this article a reader asked to reply to, if any."""
    # isdigit() alone lets "²" through to int(); only plain ASCII digits are an id.
    if pk is None or not (str(pk).isascii() and str(pk).isdigit()):
        return None
    return Comment.objects.on_article(article_slug).approved().filter(pk=int(pk)).first()
