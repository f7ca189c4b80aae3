"""The "Inside your let-down" page: the model's session, changed by her choices."""

import re

from django.urls import reverse


def test_opens_on_the_baseline_with_charts_and_the_disclaimer(client, db):
    page = client.get(reverse("inside:explainer"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('role="img"') >= 3  # the chain picture and two charts
    assert "no substitute for a doctor or lactation specialist" in html
    assert "What changed, and why" not in html  # nothing changed yet


def test_stress_is_explained_with_its_source_and_fewer_pulses(client, db):
    page = client.get(
        reverse("inside:explainer"),
        {
            "kind": "pump",
            "anxiety": "0.9",
            "warm_compress_min": "0",
            "baby_cry_s": "0",
            "weeks_postpartum": "8",
            "lactation": "first",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ueda 1994" in html
    pulses = re.search(r"Oxytocin pulses</dt><dd>(\d+) <small>\(baseline (\d+)\)", html)
    assert pulses and int(pulses.group(1)) < int(pulses.group(2))


def test_nonsense_choice_is_a_clear_400(client, db):
    page = client.get(reverse("inside:explainer"), {"kind": "bucket", "anxiety": "7"})
    assert page.status_code == 400
    assert b"Select a valid choice" in page.content


def test_same_choices_are_computed_once(client, db, monkeypatch):
    from letdown.inside import views

    calls = []
    real = views.explain

    def counting(params):
        calls.append(params)
        return real(params)

    monkeypatch.setattr(views, "explain", counting)
    url = reverse("inside:explainer") + "?kind=pump&anxiety=0.3&warm_compress_min=10"
    url += "&baby_cry_s=0&weeks_postpartum=8&lactation=first"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert len(calls) == 1
