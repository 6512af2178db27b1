"""The filter bar's searchable multi-selects in browser tests (docs/DESIGN.md, "Filter bar").

``static/js/filters.js`` turns each ``<select multiple data-filter>`` into a Tom
Select: a combobox named by the field's label, a listbox of options, and one
chip per chosen value. These helpers use them as a person does: type to search,
click the match; read the chips; remove a chip with its button.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect


def filter_box(page: Page, label: str):
    """The searchable combobox of the filter labelled ``label``."""
    return page.get_by_role("combobox", name=label, exact=True)


def chips(page: Page, label: str):
    """The chips of what is chosen in the filter labelled ``label``."""
    return filter_box(page, label).locator("xpath=ancestor::div[contains(@class,'ts-wrapper')][1]").locator(".item")


def open_filter(page: Page, label: str):
    """Focus the filter labelled ``label`` (as Tab or a click on its box does), which opens its list.

    With choices made and the focus elsewhere, Tom Select moves its text box out of sight and shows only
    the chips, so the box is focused rather than clicked. Focus opens the list; in a box focused already
    whose list was closed with Escape, the down arrow does.
    """
    box = filter_box(page, label)
    listbox = page.get_by_role("listbox", name=label, exact=True)
    box.focus()
    if not listbox.is_visible():  # focused already, its list closed with Escape: the arrow key opens it
        box.press("ArrowDown")
    expect(listbox).to_be_visible()
    return box


def pick(page: Page, label: str, *choices: str, typed: int = 3) -> None:
    """Choose ``choices`` in the filter labelled ``label`` by typing their first letters and clicking the match."""
    for choice in map(str, choices):  # a lazy label (ActivityType.EVENT.label) is text too
        box = open_filter(page, label)
        box.press_sequentially(choice[:typed])
        listbox = page.get_by_role("listbox", name=label, exact=True)
        option = listbox.get_by_role("option", name=choice, exact=True)
        expect(option).to_be_visible()
        option.click()
        expect(chips(page, label).filter(has_text=choice)).to_have_count(1)
    filter_box(page, label).press("Escape")


def unpick(page: Page, label: str, choice: str) -> None:
    """Remove the chip ``choice`` of the filter labelled ``label`` with its remove button."""
    chips(page, label).filter(has_text=choice).get_by_role("button").click()


def search_box(page: Page, label: str, scope=None):
    """The searchable single select labelled ``label`` (``static/js/search-select.js``): a combobox."""
    return (scope or page).get_by_role("combobox", name=label, exact=True)


def choose(page: Page, label: str, choice: str, *, typed: int = 3, scope=None) -> None:
    """Choose ``choice`` in the searchable single select labelled ``label``: type its first letters, press Enter."""
    box = search_box(page, label, scope)
    box.click()
    if typed:
        box.press_sequentially(str(choice)[:typed])
    listbox = page.get_by_role("listbox", name=label, exact=True)
    option = listbox.get_by_role("option", name=str(choice), exact=True)
    expect(option).to_be_visible()
    option.click()
    expect(box.locator("xpath=ancestor::div[contains(@class,'ts-wrapper')][1]").locator(".item")).to_have_text(
        str(choice)
    )
