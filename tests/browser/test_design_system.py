"""The design system (issue 20): every page of every role at 375 px without horizontal
scrolling and without serious axe findings, error states included; form controls' borders and
focus indicators at least 3:1 against what is around them (WCAG 2.1 1.4.11), measured from the
computed styles; the error summary takes the focus and the title says "Error:" in fi, sv, en."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from assess.operations.demo_scenario import load_scenario
from tests.browser.axe import serious_violations
from tests.support import DEMO_PASSWORDS

NARROW = {"width": 375, "height": 800}
ROLES = ["preparer", "reviewer", "secretary", "auditor", "admin"]

# Not pages: files and documents the browser downloads.
# Files, not pages (a link to one is also marked ``download`` and left out by the crawl).
NOT_PAGES = re.compile(
    r"\.(docx|pdf|json|yaml|csv|txt)$|^/documents/|/attachments/|^/admin/policy/document"
    r"|/revisions/\d+/document$"
)


@pytest.fixture
def scenario(live_server):
    """The demo with the scenario: an approved assessment with its documents, one waiting for
    review, and a meeting with both on its agenda, so that every kind of page exists."""
    with live_server.app.app_context():
        load_scenario()
    return live_server


def returned_for_revision(server) -> None:
    """The scenario's assessment in review goes back to its preparer: editable again, so its
    pages show the fields (a page that cannot be changed shows a summary instead)."""
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Assessment
    from assess.operations import assessments as ops
    from tests.support import user

    with server.app.app_context():
        a = db.session.scalar(select(Assessment).where(Assessment.state == "in_review"))
        ops.fire(
            user("reviewer"), a, "return_for_revision", comment="Check the groups.",
            expected_version=a.version,
        )  # fmt: skip


def log_in(page, server, role):
    email, password = DEMO_PASSWORDS[role]
    page.goto(server.url + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")
    expect(page).to_have_url(server.url + "/")


def pattern(url: str) -> str:
    """One page of each kind: numbers and the matrix's cell coordinates do not count."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+", "/#", parts.path)
    path = re.sub(r"/impacts/.*", "/impacts/*", path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return path + ("?" + "&".join(keys) if keys else "")


def too_wide(page) -> int | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    return width if width > NARROW["width"] else None


def crawl(page, server, limit=80) -> dict[str, str]:
    """Every page reachable by links from the dashboard, one of each kind: {pattern: url}."""
    seen: dict[str, str] = {}
    queue = [server.url + "/"]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        key = pattern(url)
        if key in seen:
            continue
        seen[key] = url
        page.goto(url)
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.href.split('#')[0])"
        )
        for href in hrefs:
            if not href.startswith(server.url):
                continue
            path = urlsplit(href).path
            if NOT_PAGES.search(path) or pattern(href) in seen:
                continue
            queue.append(href)
    return seen


# Forms posted empty, per role: (page, id of a field in the form to send).
EMPTY_POSTS = {
    "preparer": [("/decisions/new", "case_number")],
    "reviewer": [],
    "secretary": [("/meetings", "number")],
    "auditor": [],
    "admin": [
        ("/admin/users/new", "email"),
        ("/admin/bodies/new", "key"),
        ("/admin/decision-types/new", "key"),
        ("/admin/plan/new", "key"),
    ],
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_fits_375_px_and_passes_axe(browser, scenario, role):
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    log_in(page, scenario, role)
    pages = crawl(page, scenario)
    # The crawl reached the pages each role works on (it would pass vacuously otherwise).
    assert "/decisions/#" in pages and "/meetings/#" in pages, sorted(pages)
    if role == "preparer":
        assert {"/assessments/#/sections/#", "/assessments/#/check"} <= set(pages) or any(
            p.startswith("/assessments/#/sections/") for p in pages
        ), sorted(pages)
    if role == "admin":
        assert "/admin/users/#" in pages and "/admin/policy" in pages, sorted(pages)
    problems = []
    for key, url in sorted(pages.items()):
        page.goto(url)
        if width := too_wide(page):
            problems.append(f"{key}: {width} px wide")
        problems += [f"{key}: {v}" for v in serious_violations(page)]
    for path, field in EMPTY_POSTS[role]:
        page.goto(scenario.url + path)
        with page.expect_navigation():
            page.evaluate("id => document.getElementById(id).form.requestSubmit()", field)
        expect(page.locator("#error-summary")).to_be_visible()
        if width := too_wide(page):
            problems.append(f"{path} posted empty: {width} px wide")
        problems += [f"{path} posted empty: {v}" for v in serious_violations(page)]
    print(f"\n{role}: {len(pages)} kinds of page at 375 px, {len(EMPTY_POSTS[role])} error states")
    assert problems == []
    context.close()


def test_the_login_page_and_its_error_fit_375_px(browser, live_server):
    page = browser.new_context(viewport=NARROW).new_page()
    page.goto(live_server.url + "/login")
    assert too_wide(page) is None and serious_violations(page) == []
    page.locator("input[name=email]").fill("preparer@demo.example")
    page.locator("input[name=password]").fill("not the password")
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
    assert too_wide(page) is None and serious_violations(page) == []


def test_the_decision_page_with_its_documents_fits_375_px(browser, scenario):
    """The checksum column made it 507 px wide: the documents' table reflows now."""
    page = browser.new_context(viewport=NARROW).new_page()
    log_in(page, scenario, "auditor")
    page.goto(scenario.url + "/decisions")
    page.get_by_role("link", name=re.compile("Halsua|Halsuan")).first.click()
    expect(page.locator("#documents table")).to_be_visible()
    assert too_wide(page) is None
    # Each cell says which column it is in, now that the header row is out of sight.
    expect(page.locator("#documents td[data-label]").first).to_be_visible()


# --- contrast --------------------------------------------------------------------------------

_EFFECTIVE_BACKGROUND = """
el => {
  for (let e = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c)) return c;
  }
  return 'rgb(255, 255, 255)';
}
"""


def rgb(css: str) -> tuple[float, float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", css)[:4]]
    return (*values[:3], values[3] if len(values) > 3 else 1.0)  # type: ignore[return-value]


def over(colour, background) -> tuple[float, float, float]:
    r, g, b, a = colour
    br, bg, bb, _ = background
    return (r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a))


def luminance(colour) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    """WCAG 2.1's contrast ratio of two opaque colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_contrast_formula_is_wcags():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54
    assert contrast((200, 200, 200), (255, 255, 255)) < 3  # a faint border fails


def _settled(page) -> None:
    """HDS animates the focus ring in (85 ms): measure the end state, not a frame of it."""
    page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")


def _control_findings(page, where: str) -> tuple[list[str], int]:
    """Borders and focus rings of every form control on the page, too faint ones reported."""
    problems, measured = [], 0
    fields = page.locator(
        "main input.hds-text-input__input:visible, main select:visible, main textarea:visible"
    )
    for i in range(fields.count()):
        field = fields.nth(i)
        name = field.get_attribute("id") or field.get_attribute("name")
        border = field.evaluate("el => getComputedStyle(el).borderTopColor")
        outside = rgb(field.evaluate(f"el => ({_EFFECTIVE_BACKGROUND})(el.parentElement)"))
        inside = rgb(field.evaluate(f"el => ({_EFFECTIVE_BACKGROUND})(el)"))
        edge = over(rgb(border), outside)
        ratio = min(contrast(edge, outside), contrast(edge, inside))
        if ratio < 3:
            problems.append(f"{where} #{name}: border {border} {ratio:.2f}:1")
        field.focus()
        _settled(page)
        ring = field.evaluate(
            "el => { const s = getComputedStyle(el);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2"
            " ? s.outlineColor : s.boxShadow; }"
        )
        colours = re.findall(r"rgba?\([^)]*\)", ring)
        if not colours:
            problems.append(f"{where} #{name}: no focus indicator")
        else:
            ring_ratio = contrast(over(rgb(colours[0]), outside), outside)
            if ring_ratio < 3:
                problems.append(f"{where} #{name}: focus {colours[0]} {ring_ratio:.2f}:1")
        measured += 1
    # Checkboxes and radios: HDS draws the box on the label's ::after, the focus ring on ::before.
    boxes = page.locator("main .hds-checkbox__input, main .hds-radio-button__input")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        label = page.locator(f"label[for='{box.get_attribute('id')}']")
        if not label.is_visible():
            continue
        name = box.get_attribute("id")
        border = label.evaluate("el => getComputedStyle(el, '::after').borderTopColor")
        outside = rgb(label.evaluate(_EFFECTIVE_BACKGROUND))
        ratio = contrast(over(rgb(border), outside), outside)
        if ratio < 3:
            problems.append(f"{where} #{name}: box border {border} {ratio:.2f}:1")
        size = label.evaluate(
            "el => { const s = getComputedStyle(el, '::after');"
            " return [parseFloat(s.width), parseFloat(s.height)]; }"
        )
        if min(size) < 24:
            problems.append(f"{where} #{name}: target {size} px, under 24 x 24")
        box.focus()
        _settled(page)
        ring = label.evaluate("el => getComputedStyle(el, '::before').boxShadow")
        colours = re.findall(r"rgba?\([^)]*\)", ring)
        if not colours:
            problems.append(f"{where} #{name}: no focus indicator")
        elif (r := contrast(over(rgb(colours[0]), outside), outside)) < 3:
            problems.append(f"{where} #{name}: focus {colours[0]} {r:.2f}:1")
        measured += 1
    # Buttons and links: the focus outline.
    for selector in ("main button:visible", "main a[href]:visible"):
        targets = page.locator(selector)
        for i in range(min(targets.count(), 10)):
            target = targets.nth(i)
            target.focus()
            _settled(page)
            style = target.evaluate(
                "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth,"
                " s.outlineColor]; }"
            )
            outside = rgb(target.evaluate(f"el => ({_EFFECTIVE_BACKGROUND})(el.parentElement)"))
            if style[0] == "none" or float(style[1].rstrip("px")) < 2:
                problems.append(f"{where} {selector} {i}: focus outline {style}")
            elif (r := contrast(over(rgb(style[2]), outside), outside)) < 3:
                problems.append(f"{where} {selector} {i}: focus {style[2]} {r:.2f}:1")
            measured += 1
    return problems, measured


def test_form_controls_and_focus_rings_have_3_to_1_contrast(page, scenario):
    returned_for_revision(scenario)
    log_in(page, scenario, "preparer")
    problems, measured = [], 0
    page.goto(scenario.url + "/decisions/new")  # text, select, textarea, radios
    found, n = _control_findings(page, "/decisions/new")
    problems, measured = problems + found, measured + n
    # The same with errors shown: the red border and the tinted error text around it.
    with page.expect_navigation():
        page.evaluate("document.getElementById('case_number').form.requestSubmit()")
    found, n = _control_findings(page, "/decisions/new posted empty")
    problems, measured = problems + found, measured + n
    # The scope's 22 population groups (checkboxes) and the screening's radios.
    page.goto(scenario.url + "/decisions")
    page.get_by_role("link", name=re.compile("Kotihoidon")).first.click()
    page.locator("a[href*='/screening']").first.click()
    found, n = _control_findings(page, "screening")
    problems, measured = problems + found, measured + n
    for link in page.locator("nav a[href*='/sections/']").all()[:2]:
        href = link.get_attribute("href")
        page.goto(scenario.url + href)
        found, n = _control_findings(page, href)
        problems, measured = problems + found, measured + n
    print(f"\n{measured} controls measured")
    assert measured > 40
    assert problems == [], "\n".join(problems)


def test_the_22_groups_sit_in_columns_on_a_wide_screen(page, scenario):
    returned_for_revision(scenario)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, scenario, "preparer")
    page.goto(scenario.url + "/decisions")
    page.get_by_role("link", name=re.compile("Kotihoidon")).first.click()
    page.locator("a[href*='/screening']").first.click()
    for link in page.locator("nav a[href*='/sections/']").all():
        page.goto(scenario.url + link.get_attribute("href"))
        many = page.locator("fieldset").filter(has=page.locator(".hds-checkbox:nth-of-type(9)"))
        if many.count():
            lefts = many.first.locator(".hds-checkbox").evaluate_all(
                "els => new Set(els.map(e => Math.round(e.getBoundingClientRect().left))).size"
            )
            assert lefts >= 2
            return
    pytest.fail("no page with a long list of checkboxes was found")


# --- the error summary -----------------------------------------------------------------------

ERROR_WORD = {"fi": "Virhe:", "sv": "Fel:", "en": "Error:"}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_error_summary_takes_the_focus_and_the_title_says_error(page, live_server, language):
    log_in(page, live_server, "preparer")
    switch = page.locator(f"button[name=language][value={language}]")
    if switch.count():
        with page.expect_navigation():
            switch.click()
    page.goto(live_server.url + "/decisions/new")
    title = page.title()
    assert not title.startswith(ERROR_WORD[language])
    assert title.count(" – ") == 1  # the page, then the product, never twice
    with page.expect_navigation():
        page.evaluate("document.getElementById('case_number').form.requestSubmit()")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith(ERROR_WORD[language] + " "), page.title()
    assert page.title().endswith(title)
    # Its link takes the keyboard to the field.
    summary.get_by_role("link").first.click()
    expect(page.locator("#case_number")).to_be_focused()
    assert serious_violations(page) == []
