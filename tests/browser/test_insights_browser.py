"""The Insights page on a phone, light and dark: every chart drawn at a readable size with its
summary above it, nothing wider than the screen, and nothing fetched from elsewhere."""

from django.utils import timezone
from playwright.sync_api import expect

from letdown.accounts.models import User
from letdown.demo import create_demo_household

from ..insights.test_views import SECTION_IDS, add_history
from .conftest import PHONE, screenshot

# The smallest chart text a tired parent should have to read, in CSS pixels.
MIN_CHART_TEXT_PX = 9.5


def _smallest_chart_text_px(page) -> float:
    """The smallest tick number drawn in any chart, in CSS pixels as the phone shows it."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll("figure.chart svg text")].map(t => {
            const svg = t.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(t).fontSize) * scale;
        }))"""
    )


def _check_page(page, live_server) -> None:
    page.goto(live_server.url + "/insights/")
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 7
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 40
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Titles and legends are page text, laid out by the browser.
    titles = page.locator("figure.chart .chart-title")
    assert titles.count() >= 8
    expect(page.locator("#first-letdown .chart-legend")).to_contain_text("Pumping")
    expect(page.locator("#what-helps .forest-row").first).to_be_visible()
    assert _smallest_chart_text_px(page) >= MIN_CHART_TEXT_PX
    for section_id in SECTION_IDS:
        section = page.locator(f"#{section_id}")
        summary = section.locator(".summary")
        expect(summary).to_be_visible()
        assert len(summary.inner_text().strip()) > 20
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_insights_on_a_phone_light_and_dark(phone_factory, live_server, family):
    add_history(family, days=35, now=timezone.now())
    light = phone_factory(family.owner)
    _check_page(light, live_server)
    expect(light.locator("#what-helps")).to_contain_text(
        "Sessions with a warm compress let down sooner"
    )
    expect(light.locator(".disclaimer")).to_contain_text("no substitute for a doctor")
    screenshot(light, "insights-light")
    light.locator("#what-helps details.how summary").click()
    how = light.locator("#what-helps details.how")
    expect(how).to_contain_text("1× means no difference")
    expect(how).to_contain_text("all the lines together are right 95 times in 100")
    expect(light.locator("#what-helps .factor").first).to_contain_text("comparisons together")
    expect(light.locator("#what-helps .forest-row.clear")).to_contain_text("Warm compress")
    light.get_by_role("link", name="Read: Unexpected let-down and leaks").click()
    expect(light).to_have_url(live_server.url + "/learn/leaks/")

    dark = phone_factory(family.member, dark=True)
    _check_page(dark, live_server)
    screenshot(dark, "insights-dark")


def test_the_demo_households_insights_on_a_phone(phone_factory, live_server):
    username, _password = create_demo_household()
    page = phone_factory(User.objects.get(username=username), dark=True)
    _check_page(page, live_server)
    expect(page.locator("#over-time .summary")).not_to_be_empty()
    screenshot(page, "insights-demo-dark")
