"""The Content-Security-Policy is on in the browser tests, and a violation fails them."""

from __future__ import annotations

from .conftest import _new_context


def test_a_blocked_inline_style_and_script_are_reported(browser, live_server, db):
    context, _foreign, violations = _new_context(browser, live_server.url, dark=False)
    page = context.new_page()
    page.goto(live_server.url + "/account/login/")
    page.evaluate(
        """() => {
        document.body.setAttribute("style", "color: red");
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.appendChild(script);
    }"""
    )
    # Chromium reports each violation on the console as it blocks it.
    while not all(any(kind in v for v in violations) for kind in ("style-src", "script-src")):
        page.wait_for_event("console", timeout=5000)
    ran = page.evaluate("() => window.ran === true")
    context.close()
    assert not ran


def test_the_login_page_loads_with_no_policy_complaint(browser, live_server, db):
    context, _foreign, violations = _new_context(browser, live_server.url, dark=False)
    page = context.new_page()
    page.goto(live_server.url + "/account/login/")
    page.wait_for_load_state("load")
    context.close()
    assert violations == []
