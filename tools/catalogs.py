"""Keep the message catalogs in step with the code.

    python tools/catalogs.py          # extract, merge into the .po files, derive traditional, compile .mo
    python tools/catalogs.py --check  # list what is untranslated or out of date; exit 1 if anything is

Messages are English msgids in the code (`_()`, `ngettext()`, `N_()`), plus every help text of the
command tree (docstrings and option help), which the CLI translates at run time. Translators edit
`zh_Hans/LC_MESSAGES/parktrack.po` only: the traditional catalog is derived from it through OpenCC
(Taiwan standard characters, with the document's own 台賬), so the two never drift apart.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "parktrack"
LOCALE_DIR = PACKAGE / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
SIMPLIFIED, TRADITIONAL = "zh_Hans", "zh_Hant"
# Where OpenCC's Taiwan standard differs from the document's own usage.
TRADITIONAL_OVERRIDES = {"臺賬": "台賬"}

MessageId = str | tuple[str, str]
# A message and its context (pgettext's first argument: the same English word read two ways).
Key = tuple[MessageId, str | None]
# The .mo header carries these dates; fixed, so that the same messages always compile to the same bytes
# (and --check does not report a catalog as out of date because a minute has passed).
FIXED_DATE = datetime(2024, 1, 1, tzinfo=UTC)


_DATES = {"creation_date": FIXED_DATE, "revision_date": FIXED_DATE}


def po_path(name: str) -> Path:
    return LOCALE_DIR / name / "LC_MESSAGES" / "parktrack.po"


def _code_messages() -> Iterator[Key]:
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        yield (message if isinstance(message, str) else (message[0], message[1])), context


def _help_messages() -> Iterator[str]:
    sys.path.insert(0, str(ROOT / "src"))
    import typer

    from parktrack.cli import app

    def walk(command: object) -> Iterator[str]:
        for holder in (command, *getattr(command, "params", [])):
            for attribute in ("help", "short_help"):
                text = getattr(holder, attribute, None)
                if text:
                    yield text
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    yield from walk(typer.main.get_command(app))


def extract() -> list[Key]:
    """Every msgid with its context, once, in a stable order."""
    found: dict[Key, None] = {}
    for key in [*_code_messages(), *((text, None) for text in _help_messages())]:
        if key[0]:
            found.setdefault(key, None)
    return sorted(found, key=lambda k: (k[0] if isinstance(k[0], str) else k[0][0], k[1] or ""))


def _read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, domain="parktrack")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain="parktrack")


def merged_simplified(messages: list[Key]) -> Catalog:
    old = _read(po_path(SIMPLIFIED), SIMPLIFIED)
    catalog = Catalog(locale=SIMPLIFIED, domain="parktrack", project="parktrack", fuzzy=False, **_DATES)
    for msgid, context in messages:
        previous = old.get(msgid, context=context)
        empty = "" if isinstance(msgid, str) else ("",)
        catalog.add(msgid, previous.string if previous else empty, context=context)
    return catalog


def derived_traditional(simplified: Catalog) -> Catalog:
    import opencc

    converter = opencc.OpenCC("s2tw")

    def convert(text: str) -> str:
        text = converter.convert(text)
        for wrong, right in TRADITIONAL_OVERRIDES.items():
            text = text.replace(wrong, right)
        return text

    catalog = Catalog(locale=TRADITIONAL, domain="parktrack", project="parktrack", fuzzy=False, **_DATES)
    for message in simplified:
        if not message.id:
            continue
        string = message.string
        translated = convert(string) if isinstance(string, str) else tuple(convert(s) for s in string)
        catalog.add(message.id, translated, context=message.context)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, no_location=True, omit_header=True, sort_output=True)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def expected_files() -> dict[Path, bytes]:
    simplified = merged_simplified(extract())
    traditional = derived_traditional(simplified)
    files: dict[Path, bytes] = {}
    for name, catalog in ((SIMPLIFIED, simplified), (TRADITIONAL, traditional)):
        files[po_path(name)] = po_bytes(catalog)
        files[po_path(name).with_suffix(".mo")] = mo_bytes(catalog)
    return files


def problems() -> list[str]:
    """What --check reports: untranslated messages, and catalog files that are not up to date."""
    found = [f"untranslated in {SIMPLIFIED}: {msgid!r}" for msgid in untranslated(merged_simplified(extract()))]
    for path, content in expected_files().items():
        if not path.exists() or path.read_bytes() != content:
            found.append(f"{path.relative_to(ROOT)} is out of date: run python tools/catalogs.py")
    return found


def main() -> int:
    if "--check" in sys.argv[1:]:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    for path, content in expected_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    missing = untranslated(merged_simplified(extract()))
    print(f"catalogs written; {len(missing)} message(s) still untranslated in {po_path(SIMPLIFIED)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
