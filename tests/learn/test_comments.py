"""Reader comments: the form's checks and messages, moderation, one-level threads, the
protections (CSRF, honeypot, rate limit, escaping) and that emails are never published."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.learn import services
from letdown.learn.models import BODY_MAX_CHARS, Comment, CommentStatus

from ..cache_table import cache_table_text
from ..factories import UserFactory

URL = "/learn/leaks/"
SECRET_EMAIL = "robin.private@example.org"

pytestmark = pytest.mark.django_db


def _data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Robin",
        "email": SECRET_EMAIL,
        "website": "",
        "body": "Firm pressure worked for me at night.",
        "parent": "",
        "leave_empty": "",
    }
    data.update(overrides)
    return data


def _comment(**fields: object) -> Comment:
    values: dict[str, object] = {
        "article_slug": "leaks",
        "name": "Sam",
        "email": "sam.hidden@example.net",
        "body": "Pads in every bag.",
        "status": CommentStatus.APPROVED,
    }
    values.update(fields)
    return Comment.objects.create(**values)


def _page(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Posting and moderation ---------------------------------------------------------------


def test_new_comment_waits_for_moderation_and_only_its_poster_sees_it(client: Client) -> None:
    response = client.post(URL, _data())
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#comment-{comment.pk}"
    assert comment.status == CommentStatus.PENDING
    assert (comment.article_slug, comment.author) == ("leaks", None)
    mine = client.get(response["Location"]).content.decode()
    assert "will appear once a moderator has approved it" in mine
    assert "Firm pressure worked for me at night." in mine
    assert "Waiting for moderation: only you can see it" in mine
    # Everyone else: nothing until it is approved.
    assert "Firm pressure worked" not in _page(Client())


def test_unapproved_comments_are_invisible_to_other_members(
    family, owner_client: Client, member_client: Client
) -> None:
    owner_client.post(URL, _data(body="Mine, still pending."))
    assert Comment.objects.get().author == family.owner
    assert "Mine, still pending." in _page(owner_client)
    assert "Mine, still pending." not in _page(member_client)


def test_approved_comment_shows_name_and_date_to_everyone(client: Client) -> None:
    _comment(name="Sam", created_at=timezone.now().replace(year=2026, month=11, day=3))
    html = _page(client)
    # A visitor whose browser names no region reads English dates the US way.
    assert "Sam" in html and "November 3, 2026" in html
    assert "Pads in every bag." in html
    assert "Waiting for moderation" not in html


def test_spam_is_hidden_even_from_its_author(family, owner_client: Client) -> None:
    _comment(author=family.owner, body="Buy cheap pumps here", status=CommentStatus.SPAM)
    assert "Buy cheap pumps here" not in _page(owner_client)


def test_comments_stay_on_their_own_article(client: Client) -> None:
    _comment(body="About leaks only.")
    assert "About leaks only." not in _page(client, "/learn/d-mer/")


# --- The form's checks --------------------------------------------------------------------


def test_missing_fields_are_rejected_with_clear_messages(client: Client) -> None:
    response = client.post(URL, _data(name="", email="", body="   "))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please enter your name (a first name is fine)." in html
    assert "Please enter your email address. It is never published." in html
    assert "Please write your comment." in html
    assert Comment.objects.count() == 0


def test_required_fields_are_marked(client: Client) -> None:
    html = _page(client)
    form = html[html.index('<form id="reply"') :]
    for label in ("Comment", "Name", "Email"):
        assert f'{label} <span class="req">*</span></label>' in form
    assert "Website (optional)</label>" in form  # no mark
    assert "Required fields are marked" in form


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Please enter an email address such as name@example.com."),
        ("website", "javascript:alert(1)", "Please enter a web address such as"),
        ("body", "x" * (BODY_MAX_CHARS + 1), f"under {BODY_MAX_CHARS} characters"),
        ("name", "n" * 81, "Please keep your name under 80 characters."),
    ],
)
def test_bad_values_get_a_message_next_to_the_field(
    client: Client, field: str, value: str, message: str
) -> None:
    response = client.post(URL, _data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Comment.objects.count() == 0


def test_form_keeps_her_text_when_it_is_rejected(client: Client) -> None:
    response = client.post(URL, _data(email="", body="Long thoughtful text"))
    assert "Long thoughtful text</textarea>" in response.content.decode()


def test_website_becomes_a_nofollow_link_once_approved(client: Client) -> None:
    _comment(name="Kit", website="https://kit.example.com/")
    html = _page(client)
    assert 'href="https://kit.example.com/" rel="nofollow ugc noopener noreferrer">Kit</a>' in html


# --- Threads ------------------------------------------------------------------------------


def test_reply_to_a_reply_joins_the_top_comment(client: Client) -> None:
    top = _comment(body="Top")
    reply = _comment(body="First reply", parent=top)
    client.post(URL, _data(body="Reply to the reply", parent=str(reply.pk)))
    new = Comment.objects.get(body="Reply to the reply")
    assert new.parent == top


def test_replies_are_shown_under_their_thread(client: Client) -> None:
    top = _comment(body="Top comment")
    _comment(body="A reply", parent=top)
    html = _page(client)
    thread = html[html.index(f'id="comment-{top.pk}"') :]
    assert thread.index('<ol class="replies">') < thread.index("A reply")


def test_reply_link_prepares_the_form(client: Client) -> None:
    top = _comment(name="Sam")
    html = _page(client, f"{URL}?replyto={top.pk}")
    assert "Reply to Sam" in html
    assert f'name="parent" value="{top.pk}"' in html


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.SPAM])
def test_cannot_reply_to_a_comment_that_is_not_shown(client: Client, status: str) -> None:
    hidden = _comment(status=status)
    response = client.post(URL, _data(parent=str(hidden.pk)))
    assert response.status_code == 400
    assert "no longer shown" in response.content.decode()
    assert Comment.objects.count() == 1


def test_cannot_reply_across_articles(client: Client) -> None:
    other = _comment(article_slug="d-mer")
    assert client.post(URL, _data(parent=str(other.pk))).status_code == 400


# --- Protections --------------------------------------------------------------------------


def test_script_in_a_comment_is_shown_as_text() -> None:
    _comment(name="<b>Bold</b>", body='<script>alert("x")</script>\n<img src=x onerror=alert(1)>')
    html = _page(Client())
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_post_without_csrf_token_is_refused() -> None:
    response = Client(enforce_csrf_checks=True).post(URL, _data())
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_form_carries_a_csrf_token(client: Client) -> None:
    assert 'name="csrfmiddlewaretoken"' in _page(client)


def test_honeypot_filled_in_stores_nothing_but_looks_like_success(client: Client) -> None:
    response = client.post(URL, _data(leave_empty="http://spam.example"))
    assert response.status_code == 302
    assert Comment.objects.count() == 0


def test_honeypot_is_kept_out_of_sight_and_of_the_tab_order(client: Client) -> None:
    html = _page(client)
    assert 'name="leave_empty"' in html
    tag = html[html.rindex("<input", 0, html.index('name="leave_empty"')) :]
    tag = tag[: tag.index(">")]
    assert 'tabindex="-1"' in tag and 'aria-hidden="true"' in tag and 'type="text"' in tag


def test_rate_limit_per_address() -> None:
    here, elsewhere = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(services.COMMENTS_PER_WINDOW):
            assert here.post(URL, _data(body=f"Comment {n}")).status_code == 302
        refused = here.post(URL, _data(body="One too many"))
        assert refused.status_code == 429
        assert "Please wait ten minutes" in refused.content.decode()
        assert "One too many</textarea>" in refused.content.decode()
        assert elsewhere.post(URL, _data(body="From another address")).status_code == 302
        clock.shift(timedelta(seconds=services.RATE_WINDOW_S + 1))
        assert here.post(URL, _data(body="After the wait")).status_code == 302
    assert not Comment.objects.filter(body="One too many").exists()
    assert Comment.objects.count() == services.COMMENTS_PER_WINDOW + 2


def test_rate_limit_per_real_client_behind_a_trusted_proxy(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # Both readers reach the app through the same proxy, which adds their addresses.
    here = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    elsewhere = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(services.COMMENTS_PER_WINDOW):
            assert here.post(URL, _data(body=f"Comment {n}")).status_code == 302
        assert here.post(URL, _data(body="One too many")).status_code == 429
        # Her own header naming another address does not start her a fresh count.
        forged = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")
        assert forged.post(URL, _data(body="Forged")).status_code == 429
        assert elsewhere.post(URL, _data(body="From another reader")).status_code == 302


def test_rate_limit_ignores_a_forwarded_header_from_an_untrusted_peer(settings) -> None:
    settings.TRUSTED_PROXIES = []
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(services.COMMENTS_PER_WINDOW + 1):
            client = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
            response = client.post(URL, _data(body=f"Comment {n}"))
        assert response.status_code == 429


def test_rate_limit_keeps_no_raw_address_in_the_cache() -> None:
    reader = Client(REMOTE_ADDR="198.51.100.7")
    assert reader.post(URL, _data(body="Counted")).status_code == 302
    stored = cache_table_text()
    assert stored  # her post is counted in the table
    assert "198.51.100.7" not in stored


# --- Emails are never published -----------------------------------------------------------


def test_commenter_email_appears_in_no_public_page(
    family, client: Client, member_client: Client, stranger_client: Client
) -> None:
    anonymous_poster = Client()
    anonymous_poster.post(URL, _data(website="https://robin.example/"))
    reply_to = Comment.objects.get()
    anonymous_poster.post(URL, _data(body="A pending one"))
    services.moderate(
        Comment.objects.filter(pk=reply_to.pk), status=CommentStatus.APPROVED, now=timezone.now()
    )
    staff = UserFactory(household=None, is_staff=True, is_superuser=True)
    staff_client = Client()
    staff_client.force_login(staff, backend="letdown.accounts.backends.HouseholdModelBackend")
    email_forms = {
        SECRET_EMAIL,
        hashlib.md5(SECRET_EMAIL.encode()).hexdigest(),  # noqa: S324 - what Gravatar would use
        hashlib.sha256(SECRET_EMAIL.encode()).hexdigest(),
        "robin.private",
    }
    # (A search for the address itself would echo the query back, so search for her name.)
    urls = [URL, f"{URL}?replyto={reply_to.pk}", "/learn/", "/learn/?q=robin"]
    urls += ["/learn/?q=firm+pressure", "/learn/what-is-let-down/"]
    for who in (anonymous_poster, client, member_client, stranger_client, staff_client):
        for url in urls:
            html = _page(who, url).lower()
            assert not any(form in html for form in email_forms), (url, who)


def test_moderators_see_the_email_in_the_admin() -> None:
    comment = _comment(status=CommentStatus.PENDING)
    staff = UserFactory(household=None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff, backend="letdown.accounts.backends.HouseholdModelBackend")
    html = client.get(reverse("admin:learn_comment_changelist")).content.decode()
    assert comment.email in html


# --- Admin moderation ---------------------------------------------------------------------


def _admin_client() -> Client:
    staff = UserFactory(household=None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff, backend="letdown.accounts.backends.HouseholdModelBackend")
    return client


@pytest.mark.parametrize(
    ("action", "status"), [("approve", CommentStatus.APPROVED), ("mark_spam", CommentStatus.SPAM)]
)
def test_admin_actions_moderate(action: str, status: str) -> None:
    comments = [_comment(status=CommentStatus.PENDING) for _ in range(2)]
    untouched = _comment(status=CommentStatus.PENDING)
    response = _admin_client().post(
        reverse("admin:learn_comment_changelist"),
        {"action": action, "_selected_action": [c.pk for c in comments]},
    )
    assert response.status_code == 302
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == status and comment.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.status == CommentStatus.PENDING


def test_admin_delete_action_removes_comments() -> None:
    comment = _comment(status=CommentStatus.SPAM)
    _admin_client().post(
        reverse("admin:learn_comment_changelist"),
        {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"},
    )
    assert not Comment.objects.exists()


def test_moderation_is_for_staff_only(member_client: Client) -> None:
    comment = _comment(status=CommentStatus.PENDING)
    response = member_client.post(
        reverse("admin:learn_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


# --- Deleting one's own comment -----------------------------------------------------------


def test_commenter_deletes_her_own_comment_and_replies_stay(family, owner_client: Client) -> None:
    mine = _comment(author=family.owner, body="Mine")
    reply = _comment(parent=mine, body="Someone's reply")
    url = reverse("learn:comment_delete", args=[mine.pk])
    assert "Delete" in _page(owner_client)
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(url)
    assert response.status_code == 302 and response["Location"] == f"{URL}#comments"
    assert not Comment.objects.filter(pk=mine.pk).exists()
    reply.refresh_from_db()
    assert reply.parent is None


def test_nobody_else_can_delete_a_comment(
    family, member_client: Client, stranger_client: Client, client: Client
) -> None:
    mine = _comment(author=family.owner)
    url = reverse("learn:comment_delete", args=[mine.pk])
    assert stranger_client.post(url).status_code == 404
    assert member_client.post(url).status_code == 404  # same household, still not hers
    assert member_client.get(url).status_code == 404
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert Comment.objects.filter(pk=mine.pk).exists()


def test_delete_link_only_on_her_own_comments(family, owner_client, member_client) -> None:
    mine = _comment(author=family.owner)
    delete_url = reverse("learn:comment_delete", args=[mine.pk])
    assert delete_url in _page(owner_client)
    assert delete_url not in _page(member_client)


def test_a_rejected_post_says_so_above_the_form(client: Client) -> None:
    html = client.post(URL, _data(email="")).content.decode()
    form = html[html.index('<form id="reply"') :]
    assert form.index("Your comment is not posted yet") < form.index("Comment <span")


def test_moderators_can_jump_from_the_admin_to_the_comment() -> None:
    comment = _comment()
    assert comment.get_absolute_url() == f"{URL}#comment-{comment.pk}"


def test_a_reply_target_that_is_not_a_plain_number_is_ignored(client, db):
    response = client.get("/learn/what-is-let-down/?replyto=%C2%B2")
    assert response.status_code == 200
