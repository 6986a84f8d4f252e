"""The recipients' pages' catalogs are complete and compiled: every text of the templates is
in each language's .po, translated, and the committed .mo says the same as its .po."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.tracking.locales import CATALOGS, LOCALES, SOURCE

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LOCALES if lang != SOURCE]


def messages(catalog) -> dict[str, str]:
    return {m.id: m.string for m in catalog if m.id}


def template_texts() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return {message for _, _, message, _, _ in
            extract_from_dir(str(ROOT), method_map, options_map)}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_is_translated(lang):
    with (CATALOGS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = messages(read_po(po))
    assert set(catalog) == template_texts()
    assert [text for text, translated in catalog.items() if not translated] == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_compiled_catalog_matches_its_source(lang):
    folder = CATALOGS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po, (folder / "messages.mo").open("rb") as mo:
        assert messages(read_mo(mo)) == messages(read_po(po))
