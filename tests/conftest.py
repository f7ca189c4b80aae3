"""Three personas for every view test: the owner, a member of her household, a stranger."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.test import Client

from letdown.accounts.models import Household, Lactation, Role, User

from .factories import BabyFactory, LactationFactory, UserFactory
from .mail import smtp_sink  # noqa: F401 - a fixture for every test module


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: object) -> None:
    # Tests do not run collectstatic; the manifest storage would refuse {% static %}.
    settings.STORAGES = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    # The page cache lives in the test process across tests, and a rolled-back test's
    # household id and data version come back in the next test.
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # type: ignore[attr-defined]


@dataclass
class Family:
    household: Household
    lactation: Lactation
    owner: User
    member: User


def make_family(name: str = "Alex") -> Family:
    lactation = LactationFactory(household__parent_name=name)
    BabyFactory(lactation=lactation)
    owner = UserFactory(household=lactation.household, role=Role.PARENT)
    member = UserFactory(household=lactation.household, role=Role.CAREGIVER)
    return Family(lactation.household, lactation, owner, member)


@pytest.fixture
def family(db: None) -> Family:
    return make_family()


@pytest.fixture
def stranger_family(db: None) -> Family:
    return make_family("Stranger")


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="letdown.accounts.backends.HouseholdModelBackend")
    return client


@pytest.fixture
def owner_client(family: Family) -> Client:
    return _client_for(family.owner)


@pytest.fixture
def member_client(family: Family) -> Client:
    return _client_for(family.member)


@pytest.fixture
def stranger_client(stranger_family: Family) -> Client:
    return _client_for(stranger_family.owner)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A `pytestmark` in a conftest marks nothing: the browser tests get their mark here, so
    # `-m "not browser"` runs everything that needs no Chromium.
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
