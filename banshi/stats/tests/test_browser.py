"""A real Chromium on a phone: the public dashboard draws every chart in the three languages without an
error in the console, and a supervisor goes from a count of late tasks to the case behind it."""

import os

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import expect

from banshi.cases.tests.test_browser import log_in, new_page
from banshi.stats import registry
from banshi.stats.tests.conftest import NOW
from banshi.ui.tests.test_browser_switches import PHONE_VIEWPORT

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

CHARTS = sum(1 for figure in registry.figures() if figure.chart is not None)


@pytest.fixture(autouse=True)
def _clock_and_cache():
    """The fixture's moment, with the clock running (the live server and the browser keep time)."""
    cache.clear()
    with time_machine.travel(NOW, tick=True):
        yield
    cache.clear()


def _watched(page, problems: list[str]):
    def console(message) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


DRAWN = """(element) => {
  const canvas = element.querySelector("canvas");
  if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
  return false;
}"""


@pytest.mark.parametrize(
    ("locale", "lang", "heading"),
    [("zh-CN", "zh-hans", None), ("zh-TW", "zh-hant", None), ("en-US", "en", "Open numbers")],
)
def test_the_public_dashboard_draws_every_chart(
    production_static,
    numbers,
    indicators,
    rounds,
    verdicts,
    lectures,
    videos,
    live_server,
    browser,
    locale,
    lang,
    heading,
):
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, locale=locale, **PHONE_VIEWPORT)
    context.set_default_timeout(15_000)
    page = _watched(context.new_page(), problems)
    page.goto("/numbers/?from=2026-10-01&to=2026-11-30")
    assert page.locator("html").get_attribute("lang") == lang
    if heading and lang == "en":
        expect(page.locator("h1")).to_have_text(heading)
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(CHARTS)
    for index in range(CHARTS):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_attribute("data-drawn", "1")
        assert chart.evaluate(DRAWN), chart.get_attribute("data-chart")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["viewport"]["width"] + 1
    assert problems == []
    context.close()


def test_a_supervisor_drills_down_from_a_late_task_count_to_the_case(
    production_static, numbers, supervisor, live_server, browser
):
    problems: list[str] = []
    page = _watched(new_page(browser, live_server.url, **PHONE_VIEWPORT), problems)
    log_in(page, supervisor.username)
    page.goto("/numbers/supervise/?month=2026-10")
    late = page.locator("#table-late-tasks a.numbers-drill").first
    expect(late).to_have_text("1")
    late.click()
    expect(page.locator("#drill-table")).to_contain_text(numbers["A7"].number)
    page.locator("a.drill-case").first.click()
    expect(page.locator("body")).to_contain_text(numbers["A7"].number)
    assert f"/supervise/applications/{numbers['A7'].number}/" in page.url
    assert problems == []
