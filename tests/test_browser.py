"""The archive in a real browser: Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from archive.web import create_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
SEED = "cc-2019-09-china-russia"
# The closed network here refuses Chromium's background connections: switch them off.
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="module")
def server(seed_index):
    """The app on the seed index, served by waitress on a free port of 127.0.0.1."""
    from waitress import create_server

    app = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}"
    wsgi.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or not AXE.exists():
        message = "browser tests need Debian's chromium and axe-core: run `make browser`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def test_typing_shows_highlighted_results(page, server):
    page.goto(server + "/")
    page.locator("#q").press_sequentially("sanctions", delay=20)
    mark = page.locator("#live-results mark").first
    mark.wait_for()
    assert mark.inner_text().lower().startswith("sanction")
    assert "result" in page.locator("#live-results .summary").inner_text()


def test_follow_a_hit_to_the_marked_paragraph(page, server):
    page.goto(server + "/search?q=sanctions")
    screenshot(page, "results-page")
    page.locator(f'li.hit .snippet a[href="/a/{SEED}?q=sanctions#p14"]').click()
    page.wait_for_url(f"**/a/{SEED}?q=sanctions#p14")
    target = page.locator("#p14")
    assert target.evaluate("el => el.matches(':target')")
    assert target.locator("mark").first.inner_text() == "sanctions"
    assert target.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )
    screenshot(page, "reader")


def test_facet_narrows_results(page, server):
    page.goto(server + "/search?q=Russia")
    page.locator(".facets a", has_text="chronology").first.click()
    page.wait_for_url("**kind=chronology**")
    kinds = page.locator("li.hit .kind").all_inner_texts()
    assert kinds and {k.lower() for k in kinds} == {"chronology"}


def test_pagination(page, server):
    page.goto(server + "/search?q=Russia&size=5")
    first = page.locator("li.hit .snippet a").first.get_attribute("href")
    page.locator(".pagination a[rel=next]").click()
    page.wait_for_url("**page=2**")
    assert "Page 2 of" in page.locator(".pagination").inner_text()
    assert page.locator("li.hit .snippet a").first.get_attribute("href") != first


def test_keyboard_only_search(page, server):
    page.goto(server + f"/a/{SEED}")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("Orenburg")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Orenburg**")
    for _ in range(40):  # Tab until the first result's snippet link has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.snippet') !== null"):
            break
    else:
        pytest.fail("no result link reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/a/{SEED}?q=Orenburg#*")
    assert page.locator(":target mark").first.inner_text() in ("Orenburg", "Оренбург")


def test_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.fill("#q", "Lavrov")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**/search?q=Lavrov**")
    assert page.locator("li.hit mark").count() > 0
    page.goto(server + f"/a/{SEED}/p/14")
    assert page.locator("#cite .citation").count() >= 6
    assert page.locator("button.copy").first.is_hidden()  # copy needs JavaScript, so it stays hidden
    context.close()


def test_copy_button_copies_the_citation(browser, server):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(server + f"/a/{SEED}/p/14")
    button = page.locator("#cite button.copy").first
    button.click()
    page.wait_for_function("document.querySelector('#cite button.copy').textContent.startsWith('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Yu Bin, “Beautiful Relationship in a Brave/Grave New World,” Comparative Connections 21, no. 2 (2019): 115."
    )
    context.close()


PAGES = [
    "/",
    "/search?q=sanctions",
    f"/a/{SEED}?q=sanctions",
    f"/a/{SEED}/p/14",
    "/search?q=*",
    "/nope",
    "/browse",
    "/browse/journals/comparative-connections/v21-n2",
    "/browse/authors",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(browser, server, path):
    for scheme in ("light", "dark"):
        context = browser.new_context(bypass_csp=True, color_scheme=scheme)
        page = context.new_page()
        page.goto(server + path)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact) || v.id === 'page-has-heading-one')"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
        )
        context.close()
        assert violations == [], f"{path} ({scheme}): {violations}"


def test_phone_width_has_no_horizontal_scroll(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ("/search?q=sanctions", f"/a/{SEED}", f"/a/{SEED}/p/14"):
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), path
    screenshot(page, "paragraph-phone")
    context.close()


def test_no_request_leaves_the_machine(browser, server):
    context = browser.new_context()
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    for path in PAGES:
        page.goto(server + path)
    context.close()
    assert outside == []


def test_selected_hits_are_kept_across_pages_and_exported_together(page, server):
    page.goto(server + "/search?q=sanctions")
    first = page.locator('input[name="ids"][form="export-selected"]').first
    first_id = first.get_attribute("value")
    first.check()
    assert page.locator(".selected-count").inner_text() == "1 selected"
    page.goto(server + "/search?q=Putin&page=2")
    second = page.locator('input[name="ids"][form="export-selected"]').first
    second_id = second.get_attribute("value")
    second.check()
    assert page.locator(".selected-count").inner_text() == "2 selected"
    page.select_option("#export-format", "csl-json")
    with page.expect_response(lambda response: "/export?" in response.url) as exported:
        page.get_by_role("button", name="Export selected").click()
    url = exported.value.url
    assert f"ids={first_id}" in url and f"ids={second_id}" in url and "format=csl-json" in url
    assert exported.value.status == 200
    page.goto(server + "/search?q=sanctions")
    page.get_by_role("button", name="Clear selection").click()
    assert page.locator(".selected-count").inner_text() == ""
    assert not page.locator('input[name="ids"][form="export-selected"]').first.is_checked()


def test_on_a_phone_the_filters_fold_above_the_results(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/search?q=Putin")
    summary = page.locator("details.filters > summary")
    assert summary.is_visible() and summary.inner_text().startswith("Filter")
    assert not page.locator("details.filters").evaluate("d => d.open")
    filters_top = page.locator("details.filters").bounding_box()["y"]
    assert filters_top < page.locator("li.hit").first.bounding_box()["y"]  # above the results
    summary.click()
    assert page.locator(".facets a").first.is_visible()
    context.close()


def test_a_skip_link_leads_the_keyboard_past_the_filters_to_the_results(page, server):
    page.goto(server + "/search?q=Putin")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Skip to results":
            break
    else:
        pytest.fail("no 'Skip to results' link in the tab order")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#hits') !== null")


def test_the_cite_panel_shows_one_style_and_one_locator_at_a_time(page, server):
    page.goto(server + f"/a/{SEED}/p/14")
    visible = page.locator("#cite .citation:visible")
    assert visible.count() == 2  # Chicago's note by page, and its bibliography entry
    assert visible.first.inner_text().endswith("(2019): 115.")
    page.select_option("#cite-style", "apa")
    page.check("input[name=cite-by][value=paragraph]")
    assert page.locator("#cite .citation:visible").first.inner_text() == "(Yu, 2019, para. 14)"
    page.goto(server + f"/a/{SEED}/p/15")  # the choice is remembered
    assert page.locator("#cite .citation:visible").first.inner_text() == "(Yu, 2019, para. 15)"


def test_typing_updates_the_whole_results_page_and_its_address(page, server):
    page.goto(server + "/search?q=Orenburg")
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially("Putin Xi", delay=20)
    page.wait_for_url("**/search?q=Putin+Xi*")
    live = page.locator("#live-results")
    assert live.locator(".facets a").count() > 0 and live.locator(".cite-link").count() > 0
    # A highlighted word keeps the space after it ("Putin and Xi", never "Putinand Xi").
    glued = page.evaluate(
        """() => Array.from(document.querySelectorAll('#live-results .snippet mark')).filter(mark => {
             const next = mark.nextSibling;
             return next && next.nodeType === 3 && /^[A-Za-z]/.test(next.textContent);
           }).length"""
    )
    assert glued == 0
    page.select_option("#sort", "date")  # applied at once, as a new history entry
    page.wait_for_url("**sort=date*")
    assert live.locator("li.hit .date").count() > 0
    page.go_back()
    page.wait_for_function("!location.search.includes('sort=date')")
    assert page.locator("#sort").input_value() == "relevance"  # the form follows the address


def test_emptying_the_box_on_the_home_page_returns_home(page, server):
    page.goto(server + "/")
    box = page.locator("#q")
    box.press_sequentially("Putin", delay=20)
    page.wait_for_url("**/search?q=Putin*")
    assert page.locator("#live-results li.hit").count() > 0
    box.fill("")
    box.dispatch_event("input")
    page.wait_for_url(server + "/")
    assert page.locator("#live-results li.hit").count() == 0


def test_each_paragraph_offers_its_cite_action_on_focus(page, server):
    page.goto(server + f"/a/{SEED}")
    action = page.locator("#p14 .cite-action")
    assert action.evaluate("a => getComputedStyle(a).opacity") == "0"
    action.focus()
    assert action.evaluate("a => getComputedStyle(a).opacity") == "1"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/a/{SEED}/p/14#cite")
    assert page.locator("#cite h2").inner_text().startswith("Cite this paragraph")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_pasted_paragraph_of_5000_characters_is_searched_and_said_to_be_cut(
    browser, server, seed, javascript
):
    pasted = " ".join(p.text for p in seed.passages if p.kind == "paragraph")[:5000]
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(server + "/search")
    page.locator("#q").fill(pasted)
    page.locator("#q").press("Enter")
    page.wait_for_url("**/search?q=*")
    page.wait_for_selector("#live-results .message.note")
    notes = page.locator("#live-results .message.note").all_inner_texts()
    assert any("cut to its first" in note for note in notes), notes
    assert page.locator("#live-results li.hit").count() > 0
    context.close()


def test_a_paste_too_long_for_an_address_is_cut_to_fit_and_said_so(page, server):
    pasted = "战略互信与全面协作伙伴关系" * 250  # 3,250 characters: 29 KB in an address
    page.goto(server + "/search")
    page.locator("#q").fill(pasted)
    page.locator("#q").press("Enter")
    page.wait_for_url("**/search?q=*")
    assert len(page.url) - len(server) <= 8000
    notes = page.locator("#live-results .message.note").all_inner_texts()
    assert len(notes) == 1, notes  # the browser's cut only: within the server's own limit
    assert re.fullmatch(r"Your query of 3,250 characters was cut to its first \d{3}\.", notes[0]), notes


def test_back_after_live_typing_returns_to_the_page_before(page, server):
    page.goto(server + "/")
    page.locator("#q").press_sequentially("Putin", delay=20)
    page.wait_for_url("**/search?q=Putin*")
    assert page.locator("#live-results li.hit").count() > 0
    page.go_back()
    page.wait_for_url(server + "/")
    assert page.locator("#live-results li.hit").count() == 0 and page.locator("#q").input_value() == ""
