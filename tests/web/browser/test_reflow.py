"""Small screens (WCAG 2.1 SC 1.4.10 Reflow): every page, as every role that can see it, fits a
320 px and a 390 px wide window without the page scrolling sideways. Wide tables scroll inside a
labelled, keyboard-focusable region, and show that they do; charts keep their marks.

The pages are discovered from the URLconf (as tests/web/test_hostile_input.py does) with real
objects of the demo cycle; a page a persona may not see (403, 404, a redirect or a download) is
left out for that persona. One browser context per role, one load per page: the widths are
set on the loaded page, so the run stays within a minute or two.
"""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver

from tests.web.browser.conftest import check_axe, login, screenshot
from tests.web.conftest import CYCLE
from tests.web.test_pages import _patterns

pytestmark = pytest.mark.browser

WIDTHS = (320, 390)


def _one_persona_per_role() -> list[str]:
    """A persona of each role. A second persona of a role sees the same templates with another
    organisation's names and figures; it is left out so that the run stays a couple of minutes."""
    from fordela.accounts.services import DEMO_ACCOUNTS

    return list({account.role: account.username for account in reversed(DEMO_ACCOUNTS)}.values())[::-1]


DESKTOP = 1366
# Pages a phone user reaches first: saved as screenshots at 320 px for a person to look at.
MAIN = {
    f"/c/{CYCLE}/",
    f"/c/{CYCLE}/forslag/",
    f"/c/{CYCLE}/scenarier/utan-nya-insatser/",
    f"/c/{CYCLE}/organisation/",
    f"/c/{CYCLE}/organisation/grundskola/",
    f"/c/{CYCLE}/nyckelsimulator/",
    f"/c/{CYCLE}/brygga/",
    f"/c/{CYCLE}/jamfor-scenarier/",
    f"/c/{CYCLE}/tjanster/office365/",
    f"/c/{CYCLE}/katalog/",
}

# What pokes out of the window (left or right) that is not inside a scrolling region, and every
# box that scrolls sideways without being a focusable, labelled region. A box that clips its
# content (overflow hidden) counts as poking out: the clipped part is lost, not reflowed.
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    const text = (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40).replace(/\\s+/g, ' ');
    const r = el.getBoundingClientRect();
    return `${el.tagName.toLowerCase()}${id}${cls} [${Math.round(r.left)}..${Math.round(r.right)}] "${text}"`;
  };
  const out = [];
  const regions = [];
  // One walk down the tree: inside a box that scrolls sideways an element may be anywhere (the box
  // is checked itself), and a hidden subtree is skipped whole.
  const walk = (el, inside) => {
    const style = getComputedStyle(el);
    if (style.display === 'none') return;
    const x = style.overflowX;
    const scroller = x === 'auto' || x === 'scroll';
    if (style.visibility !== 'hidden') {
      if (scroller && el.scrollWidth > el.clientWidth + 1) {
        const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        if (!(el.getAttribute('role') === 'region' && named && el.tabIndex >= 0)) regions.push(describe(el));
      }
      if (!inside) {
        const r = el.getBoundingClientRect();
        // Not empty, not moved off-screen on purpose (the skip link until it has focus).
        const shown = !(r.width === 0 && r.height === 0) && r.right > 0;
        if (shown && (r.right > width + 1 || r.left < -1)) out.push(describe(el));
      }
    }
    for (const child of el.children) walk(child, inside || scroller);
  };
  for (const child of document.body.children) walk(child, false);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width: window.innerWidth,
    poking: out.slice(0, 6),
    regions: regions.slice(0, 6),
  };
}
"""


# The start page's table regions: name, role, focus, whether they scroll and how that shows.
REGIONS = """
() => [...document.querySelectorAll('.table-wrap')].map(el => {
  const hint = el.querySelector(':scope > .scroll-hint');
  const first = el.querySelector('tbody tr > :first-child');
  const labelledBy = document.getElementById(el.getAttribute('aria-labelledby') || '');
  return {
    label: el.getAttribute('aria-label') || (labelledBy ? labelledBy.textContent : ''),
    role: el.getAttribute('role'),
    focusable: el.tabIndex >= 0,
    overflows: el.scrollWidth > el.clientWidth + 1,
    signalled: el.dataset.scroll || '',
    hint: hint ? getComputedStyle(hint).display : 'none',
    sticky: first ? getComputedStyle(first).position : '',
  };
})
"""


def _objects() -> dict[str, str]:
    """Real objects of the demo cycle for the URL parameters."""
    from django.contrib.auth import get_user_model

    from fordela.catalogue.models import Cycle, DistributionKey, Driver
    from fordela.consultation.services import thread_open

    cycle = Cycle.objects.get(code=CYCLE)
    thread = thread_open(
        cycle=cycle,
        by=get_user_model().objects.get(username="charlie"),
        line_object="office365",
        line_year=2026,
        organisation="grundskola",
        text="Varför ökar Office 365 för oss?",
    )
    keys = DistributionKey.objects.filter(cycle=cycle)
    key = keys.filter(method="fixed").first() or keys.first()
    return {
        "cycle": CYCLE,
        "service": "office365",
        "proposal": "is-hr-chatbot",
        "organisation": "grundskola",
        "scenario": "utan-nya-insatser",
        "stage": "preparation",
        "supplier": "intraservice",
        "driver": Driver.objects.filter(cycle=cycle).order_by("code").first().code,
        "key": key.code,
        "thread": str(thread.pk),
    }


def _urls(objects: dict[str, str]) -> list[str]:
    urls = []
    for pattern, route in _patterns(get_resolver()):
        if pattern.name == "logout":
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if any(name not in objects for name in names):
            continue  # no real object of that kind in the demo (a job, a recorded change, a file)
        urls.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: objects[m.group(1)], route))
    return urls


NOT_A_PAGE = "<!doctype html><title>-</title><main id=not-a-page></main>"


def _only_pages(route) -> None:
    """Let a whole HTML page through; anything else this persona gets for a URL (a refusal, a
    redirect, a download) is replaced by an empty page, so that the browser never starts a download
    or an error page that would race the next navigation."""
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch(max_redirects=0)
    if response.status == 200 and response.headers.get("content-type", "").startswith("text/html"):
        route.fulfill(response=response)
    else:
        route.fulfill(status=200, content_type="text/html", body=NOT_A_PAGE)


def _open(page, url: str) -> bool:
    """Load the page; False where it is not a whole page this persona may see."""
    page.goto(url, wait_until="load")
    return page.evaluate("!document.getElementById('not-a-page') && !!document.querySelector('main')")


def _settled(page) -> None:
    """Wait for the charts to be drawn at the window's present width (vega-embed re-renders on resize)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-vega-spec]')].every(el => el.querySelector('svg, canvas'))"
    )
    # Two frames: a resize re-renders the container-sized charts on the next frame.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def test_every_page_fits_a_phone_for_every_persona(browser, site):
    objects = _objects()
    urls = _urls(objects)
    assert len(urls) > 25, urls
    failures: list[str] = []
    checked = 0
    seen_main: set[str] = set()
    personas = _one_persona_per_role()
    assert len(personas) == 5, personas
    for persona in personas:
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, locale="sv-SE")
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, site, persona)
        page.route(f"{site}/**", _only_pages)
        for url in urls:
            page.set_viewport_size({"width": WIDTHS[0], "height": 800})
            if not _open(page, site + url):
                continue
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                _settled(page)
                found = page.evaluate(OVERFLOW)
                checked += 1
                if found["scrollWidth"] > found["width"] or found["poking"] or found["regions"]:
                    failures.append(f"{url} {width}px {persona}: {found}")
                if width == 320 and url in MAIN and url not in seen_main:
                    seen_main.add(url)
                    name = url.strip("/").replace(f"c/{CYCLE}", "").strip("/").replace("/", "_") or "start"
                    screenshot(page, f"320_{name}_{persona}")
        context.close()
    assert checked > 150, checked
    assert not failures, f"{len(failures)} of {checked} page widths scroll sideways:\n" + "\n".join(sorted(failures))


@pytest.mark.parametrize("username", ["charlie", "bob"])  # own row as grouped bars; every organisation's change
def test_the_key_simulators_chart_draws_its_bars_on_a_phone(page, site, username):
    login(page, site, username)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{site}/c/{CYCLE}/nyckelsimulator/")
    page.wait_for_load_state("networkidle")
    _settled(page)
    charts = page.locator("[data-vega-spec]")
    assert charts.count() >= 1
    for i in range(charts.count()):
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
        # vega draws a bar as a path in a mark group; a chart with no room draws none.
        bars = chart.locator("svg g.mark-rect path, svg g.mark-rect rect").count()
        assert bars > 0, chart.inner_html()[:400]
        sizes = chart.evaluate(
            "el => [...el.querySelectorAll('g.mark-rect path')]"
            ".map(p => p.getBBox()).filter(b => b.width >= 1 && b.height >= 1).length"
        )
        assert sizes > 0, "every bar has no size"
    check_axe(page)


def test_a_wide_table_on_a_desktop_shows_that_it_scrolls(page, site):
    login(page, site, "bob")
    for width in (DESKTOP, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{site}/c/{CYCLE}/")
        page.wait_for_load_state("networkidle")
        regions = page.evaluate(REGIONS)
        assert regions, "the start page has tables"
        wide = [r for r in regions if r["overflows"]]
        if width == 390:
            assert wide, "at 390 px the start page's tables scroll in their regions"
        for region in regions:
            assert region["role"] == "region" and region["focusable"] and region["label"].strip(), region
            assert region["sticky"] == "sticky", f"the row headings stay in view while a table scrolls: {region}"
        for region in wide:
            # The scroll is signalled: the edge with more to see fades, and a note says so.
            assert region["signalled"] in ("end", "both"), (width, region)
            assert region["hint"] != "none", (width, region)
        if width == DESKTOP:
            screenshot(page, "1366_start")
    # The region takes the keyboard: arrow keys scroll it, and the signal follows the scroll.
    region = page.locator(".table-wrap[data-scroll]").first
    region.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_function("el => el.dataset.scroll === 'start'", arg=region.element_handle())
    check_axe(page)
