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
    page.wait_for_timeout(300)
    ran = page.evaluate("() => window.ran === true")
    context.close()
    assert not ran
    assert any("style-src" in v for v in violations), violations
    assert any("script-src" in v for v in violations), violations


def test_the_login_page_loads_with_no_policy_complaint(browser, live_server, db):
    context, _foreign, violations = _new_context(browser, live_server.url, dark=False)
    page = context.new_page()
    page.goto(live_server.url + "/account/login/")
    page.wait_for_load_state("load")
    context.close()
    assert violations == []
