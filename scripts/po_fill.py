#!/usr/bin/env python
"""Fill Russian translations into locale/ru/LC_MESSAGES/django.po from a JSON file.

Usage: make messages; .venv/bin/python scripts/po_fill.py translations.json
       .venv/bin/python scripts/po_fill.py --djangojs translations.json   (the scripts' catalogue, djangojs.po)
The JSON maps English msgids to Russian (plural forms: a list of three).
Prints the msgids still untranslated or fuzzy, so nothing slips through.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"
JS_PO = PO.with_name("djangojs.po")


def main(paths: list[str]) -> int:
    target = PO
    if paths and paths[0] == "--djangojs":
        target, paths = JS_PO, paths[1:]
    po = polib.pofile(str(target), wrapwidth=79)
    po.metadata_is_fuzzy = False  # a fresh catalogue's header is fuzzy; compilemessages would skip it
    po.metadata.update(
        {
            "Language": "ru",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
            "(n%100<12 || n%100>14) ? 1 : 2);",
        }
    )
    translations: dict = {}
    for path in paths:
        translations.update(json.loads(Path(path).read_text(encoding="utf-8")))
    for entry in po:
        if entry.msgid in translations:
            value = translations[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = dict(enumerate(value))
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
