"""A member's name on Learn comments: never her account name nor her household's, asked for
once (no email: her account stands for it), remembered, changed in Settings, and the only
thing of hers a public page shows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.accounts.models import Role, User
from letdown.learn import services
from letdown.learn.models import Comment, CommentStatus
from tests.conftest import Family, make_family
from tests.factories import UserFactory

URL = "/learn/leaks/"
ACCOUNT_NAME = "alex.private"
ACCOUNT_EMAIL = "alex.private@example.org"

pytestmark = pytest.mark.django_db


@pytest.fixture
def alex(family: Family) -> User:
    """The owner with everything private set: an account name, full name, email, and her
    household's name (the fields the form used to prefill)."""
    owner = family.owner
    owner.username, owner.first_name, owner.last_name = ACCOUNT_NAME, "Alexandra", "Privat"
    owner.email = ACCOUNT_EMAIL
    owner.save()
    return owner


def _private(family: Family) -> tuple[str, ...]:
    return (ACCOUNT_NAME, "Alexandra", "Privat", ACCOUNT_EMAIL, family.household.parent_name)


def _form(html: str) -> str:
    return html[html.index('<form id="reply"') : html.index("</form>", html.index('id="reply"'))]


def _post(client: Client, **data: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {"body": "Pads at night helped.", "parent": "", **data})


def test_the_form_never_fills_in_her_private_names_or_asks_her_email(
    alex, family, owner_client: Client
) -> None:
    form = _form(owner_client.get(URL).content.decode())
    for private in _private(family):
        assert private not in form, private
    assert 'name="email"' not in form
    assert 'Name shown with your comment <span class="req">*</span></label>' in form
    assert 'name="name"' in form and 'value="' not in form.split('name="name"')[1].split(">")[0]
    assert "your account name is never shown" in form


def test_her_first_comment_needs_only_a_public_name_and_remembers_it(
    alex, owner_client: Client
) -> None:
    response = _post(owner_client, name="Robin")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.name, comment.email, comment.author) == ("Robin", "", alex)
    alex.refresh_from_db()
    assert alex.public_name == "Robin"

    # The next time the form asks for nothing but the comment, and says the name it shows.
    form = _form(owner_client.get(URL).content.decode())
    assert 'name="name"' not in form and 'name="email"' not in form
    assert "Shown with the name <strong>Robin</strong>." in form
    assert reverse("household_settings") + "#public-name" in form
    assert _post(owner_client, name="Someone else", body="Second one").status_code == 302
    assert Comment.objects.get(body="Second one").name == "Robin"


def test_without_a_public_name_she_is_asked_for_one(alex, owner_client: Client) -> None:
    response = _post(owner_client, name="   ")
    assert response.status_code == 400
    assert "Please choose a name to show with your comment" in response.content.decode()
    assert Comment.objects.count() == 0
    alex.refresh_from_db()
    assert alex.public_name == ""


def test_a_rejected_comment_does_not_remember_the_name(alex, owner_client: Client) -> None:
    assert _post(owner_client, name="Robin", body="").status_code == 400
    alex.refresh_from_db()
    assert alex.public_name == ""


def test_a_visitor_without_an_account_still_gives_name_and_email(client: Client) -> None:
    response = _post(client, name="Sam")
    assert response.status_code == 400
    assert "Please enter your email address. It is never published." in response.content.decode()
    assert _post(client, name="Sam", email="sam@example.net").status_code == 302
    assert Comment.objects.get().email == "sam@example.net"


def test_she_changes_her_public_name_in_settings(alex, owner_client: Client) -> None:
    _post(owner_client, name="Robin", body="Old one")
    settings_page = owner_client.get(reverse("household_settings")).content.decode()
    assert 'id="public-name"' in settings_page and 'value="Robin"' in settings_page

    response = owner_client.post(reverse("public_name"), {"public_name": "Wren"})
    assert response.status_code == 302
    assert response["Location"] == reverse("household_settings") + "#public-name"
    alex.refresh_from_db()
    assert alex.public_name == "Wren"
    _post(owner_client, body="New one")
    # A comment keeps the name it was posted (and approved) with.
    assert Comment.objects.get(body="Old one").name == "Robin"
    assert Comment.objects.get(body="New one").name == "Wren"


def test_emptying_it_in_settings_asks_again_next_time(alex, owner_client: Client) -> None:
    alex.public_name = "Robin"
    alex.save()
    assert owner_client.post(reverse("public_name"), {"public_name": ""}).status_code == 302
    alex.refresh_from_db()
    assert alex.public_name == ""
    assert 'name="name"' in _form(owner_client.get(URL).content.decode())


def test_a_too_long_public_name_is_refused_with_a_message(alex, owner_client: Client) -> None:
    alex.public_name = "Robin"
    alex.save()
    response = owner_client.post(reverse("public_name"), {"public_name": "n" * 81})
    assert response.status_code == 400
    assert "Please keep the name under 80 characters." in response.content.decode()
    alex.refresh_from_db()
    assert alex.public_name == "Robin"


def test_a_caregiver_has_her_own_public_name(family: Family, member_client: Client) -> None:
    assert member_client.post(reverse("public_name"), {"public_name": "Sam"}).status_code == 302
    family.member.refresh_from_db()
    family.owner.refresh_from_db()
    assert (family.member.public_name, family.owner.public_name) == ("Sam", "")


def test_a_specialist_who_cannot_comment_gets_no_public_name(family: Family) -> None:
    specialist = UserFactory(household=family.household, role=Role.SPECIALIST)
    client = Client()
    client.force_login(specialist, backend="letdown.accounts.backends.HouseholdModelBackend")
    assert 'id="public-name"' not in client.get(reverse("household_settings")).content.decode()
    assert client.post(reverse("public_name"), {"public_name": "Dr X"}).status_code == 403
    specialist.refresh_from_db()
    assert specialist.public_name == ""


def test_the_public_page_shows_her_public_name_and_nothing_else_of_hers(
    alex, family, owner_client: Client
) -> None:
    _post(owner_client, name="Robin", website="")
    Comment.objects.update(status=CommentStatus.APPROVED)
    html = Client().get(URL).content.decode()
    assert "Robin" in html and "Pads at night helped." in html
    for private in _private(family):
        assert private not in html, private


def test_moderators_see_which_account_posted_it(
    admin_client: Client, alex, owner_client: Client
) -> None:
    _post(owner_client, name="Robin")
    html = admin_client.get(reverse("admin:learn_comment_changelist")).content.decode()
    assert ACCOUNT_NAME in html


@pytest.mark.django_db(transaction=True)
def test_two_first_comments_at_once_keep_both_comments_and_one_public_name() -> None:
    owner = make_family().owner
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def post(name: str) -> None:
        try:
            barrier.wait()
            services.post_comment(
                article_slug="leaks",
                parent=None,
                author=User.objects.get(pk=owner.pk),
                name=name,
                email="",
                website="",
                body=f"From {name}",
                now=timezone.now(),
            )
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name,)) for name in ("Robin", "Wren")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(Comment.objects.values_list("name", flat=True)) == ["Robin", "Wren"]
    owner.refresh_from_db()
    assert owner.public_name in {"Robin", "Wren"}


def test_a_specialist_reads_comments_but_gets_no_form_to_fill_in(family: Family) -> None:
    Comment.objects.create(
        article_slug="leaks", name="Sam", email="s@example.net", body="Pads.", status="approved"
    )
    specialist = UserFactory(household=family.household, role=Role.SPECIALIST)
    client = Client()
    client.force_login(specialist, backend="letdown.accounts.backends.HouseholdModelBackend")
    html = client.get(URL).content.decode()
    assert "Pads." in html
    assert 'id="reply"' not in html and "?replyto=" not in html
    assert "read only: comments are written by its members." in html
    # Everyone who may comment still gets the form and the reply links.
    assert 'id="reply"' in Client().get(URL).content.decode()
    assert "?replyto=" in Client().get(URL).content.decode()
