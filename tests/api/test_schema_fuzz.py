"""schemathesis against the API's own OpenAPI schema, as the owner of one household, the
owner of another, and anonymous: no 5xx, every answer (errors included) as the schema says,
and no answer to one household ever holds the other's recognisable values.

Bounded: MAX_EXAMPLES cases per operation and identity (a few hundred per operation), so the
whole file takes a couple of minutes; `--hypothesis-show-statistics` prints how many ran."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from letdown.api.api import api
from letdown.api.services import create_token
from letdown.wsgi import application

from ..conftest import make_family
from .conftest import STRANGER_MARK, STRANGER_VOLUME, seed

MAX_EXAMPLES = 100  # per identity: 300 cases per operation
ALEX_MARK = "alex-own-walrus-5519"
ALEX_VOLUME = 77.125

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def _connection_kept_open() -> Iterator[None]:
    """The WSGI app closes the database connection after each request; inside a test that
    connection holds the test's transaction. Django's test client does the same as this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db: None, _connection_kept_open: None) -> dict[str, str | None]:
    alex, stranger = make_family("Alex"), make_family("Stranger")
    seed(alex, ALEX_MARK, ALEX_VOLUME)
    seed(stranger, STRANGER_MARK, STRANGER_VOLUME)
    now = timezone.now()
    return {
        "alex": create_token(user=alex.owner, name="fuzz", now=now)[1],
        "stranger": create_token(user=stranger.owner, name="fuzz", now=now)[1],
        "anonymous": None,
    }


FORBIDDEN = {
    "alex": (STRANGER_MARK, str(STRANGER_VOLUME)),
    "stranger": (ALEX_MARK, str(ALEX_VOLUME)),
    "anonymous": (ALEX_MARK, STRANGER_MARK, str(ALEX_VOLUME), str(STRANGER_VOLUME)),
}


@pytest.mark.parametrize("who", ["alex", "stranger", "anonymous"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema_and_to_her_household(case, who, tokens):
    token = tokens[who]
    if token is not None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    elif case.headers:
        case.headers.pop("Authorization", None)
    # Plain bodies: the WSGI transport hands a gzipped page to the checks as it came.
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    response = case.call(app=application)
    case.validate_response(response, checks=CHECKS)
    if who == "anonymous":
        # A method the path does not have is refused before anyone is asked who they are.
        right_method = case.method.upper() == case.operation.method.upper()
        assert response.status_code == (401 if right_method else 405), response.text
    for mark in FORBIDDEN[who]:
        assert mark not in response.text, (who, case.method, case.path, response.text[:300])
