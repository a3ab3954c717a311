from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, readable."""
    results = _axe.run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def axe_at_both_widths(page) -> None:
    """No serious or critical violation at 1200 px nor at 375 px (a phone), and no sideways
    scrolling at 375 px; the page is left at 1200 px."""
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1200, "height": 900})
    page.reload()
