"""The "Inside your let-down" page: the model's session, changed by her choices, served from
the shipped table, updated in place, and bounded for anonymous visitors."""

from __future__ import annotations

import re
import threading

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from letdown.explainer import views

STRESSED = {
    "kind": "pump",
    "anxiety": "0.9",
    "warm_compress_min": "0",
    "baby_cry_s": "0",
    "weeks_postpartum": "8",
    "lactation": "first",
}


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    caches["pages"].clear()


def test_opens_on_the_baseline_with_charts_and_the_disclaimer(client, db):
    page = client.get(reverse("inside:explainer"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('role="img"') >= 3  # the chain picture and two charts
    assert "no substitute for a doctor or lactation specialist" in html
    assert "What the studies found" not in html  # nothing changed yet
    assert "<script>" not in html and "style=" not in html  # static files only (CSP)


def test_stress_quotes_ueda_and_labels_averages_and_the_session(client, db):
    html = client.get(reverse("inside:explainer"), STRESSED).content.decode()
    assert "Ueda 1994" in html and "did not differ" in html
    assert "On average over 200 simulated mothers" in html
    assert "This session: one of those mothers" in html
    assert "very stressed" in html  # her choice in words
    pulses = re.search(r'data-stat="pulses">([\d.]+)</td><td>([\d.]+)</td>', html)
    assert pulses and float(pulses.group(1)) < float(pulses.group(2))


def test_the_json_update_agrees_with_the_page(client, db):
    page = client.get(reverse("inside:explainer"), STRESSED).content.decode()
    update = client.get(reverse("inside:explainer"), {**STRESSED, "format": "json"})
    assert update.status_code == 200
    assert "public" in update["Cache-Control"]
    body = update.json()
    milk = re.search(r'data-stat="milk">(\d+)<', body["summary"]).group(1)
    assert f'data-stat="milk">{milk} mL<' in body["html"]
    assert body["html"].strip() in page


def test_nonsense_choice_is_a_clear_400(client, db):
    page = client.get(reverse("inside:explainer"), {"kind": "bucket", "anxiety": "7"})
    assert page.status_code == 400
    assert b"Select a valid choice" in page.content
    update = client.get(reverse("inside:explainer"), {"kind": "bucket", "format": "json"})
    assert update.status_code == 400
    assert "kind" in update.json()["errors"]


def test_page_combinations_are_served_from_the_table_without_simulating(client, db, monkeypatch):
    def refuse(params):
        raise AssertionError("simulated on demand")

    monkeypatch.setattr(views, "explain", refuse)
    for anxiety in ("0", "0.3", "0.6", "0.9"):
        page = client.get(reverse("inside:explainer"), {**STRESSED, "anxiety": anxiety})
        assert page.status_code == 200


def test_uncached_work_is_limited_per_address(db, monkeypatch):
    monkeypatch.setattr(views, "explain", lambda params: {"ok": params})
    for index in range(views.COMPUTATIONS_PER_ADDRESS):
        assert views._explained({"massage": True, "n": index}, "10.0.0.1") == {
            "ok": {"massage": True, "n": index}
        }
    with pytest.raises(views.Busy) as refused:
        views._explained({"massage": True, "n": 99}, "10.0.0.1")
    assert refused.value.status == 429
    assert views._explained({"massage": True, "n": 99}, "10.0.0.2")  # another address


def test_only_one_uncached_computation_at_a_time(db, monkeypatch):
    started, release = threading.Event(), threading.Event()

    def slow(params):
        started.set()
        release.wait(5)
        return {"ok": True}

    monkeypatch.setattr(views, "explain", slow)
    worker = threading.Thread(target=views._explained, args=({"n": 1}, "10.0.0.3"))
    worker.start()
    assert started.wait(5)
    try:
        with pytest.raises(views.Busy) as refused:
            views._explained({"n": 2}, "10.0.0.4")
        assert refused.value.status == 503
    finally:
        release.set()
        worker.join(5)
    assert views._explained({"n": 2}, "10.0.0.4") == {"ok": True}


def test_one_address_is_limited_to_a_person_s_pace(client, db):
    url = reverse("inside:explainer")
    for _ in range(views.REQUESTS_PER_MINUTE):
        assert client.get(url, {**STRESSED, "format": "json"}).status_code == 200
    refused = client.get(url, {**STRESSED, "format": "json"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    other = client.get(url, {**STRESSED, "format": "json"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200
