"""What a page's layout looks like in the browser: used by the browser tests that check widths."""


def overflow(page, width: int) -> list[str]:
    """What sticks out past the screen's right edge outside a table's own scroller."""
    return page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-responsive'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + String(e.className).slice(0, 40))""",
        width,
    )


def page_width(page) -> int:
    """How wide the page is: wider than the viewport means the reader scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")
