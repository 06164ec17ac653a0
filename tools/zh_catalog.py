"""The Chinese edition's catalogs (locale/zh_CN/LC_MESSAGES): export, import, check, count.

Usage: python tools/zh_catalog.py status                 translated / untranslated / fuzzy per page
       python tools/zh_catalog.py export PAGE OUT.json   the untranslated and fuzzy messages of a page
       python tools/zh_catalog.py import PAGE IN.json    write translations ({"msgid": "msgstr"})
       python tools/zh_catalog.py check                  every message's markup intact (exit 1 if not)

PAGE is a catalog's path under locale/zh_CN/LC_MESSAGES without ".po", e.g.
chapters/02_binary_cross_entropy. ``import`` refuses a translation that loses a piece of
markup the build needs: inline math, a code span, a role's target (``{ref}``, ``{doc}``,
``{term}`` … — the text shown may be translated, the target may not), a link's URL.

Left in English by design (``BY_DESIGN``): the API reference (generated from docstrings,
like the code) and the glossary's term names (the keys the chapters' ``{term}`` roles
look up; each definition starts with the Chinese term).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "locale" / "zh_CN" / "LC_MESSAGES"
BY_DESIGN = {"chapters/api_reference": "generated from the docstrings, like the code"}

MATH = re.compile(r"(?<!\\)\$\$.+?\$\$|(?<!\\)\$[^$\n]+?(?<!\\)\$", flags=re.S)
ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
CODE = re.compile(r"(?<![`}])`([^`\n]+)`")
URL = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>\s]+)>")


def _target(text: str) -> str:
    match = re.search(r"<([^<>]+)>\s*$", text)
    return (match.group(1) if match else text).strip()


def markup(text: str) -> Counter:
    """The pieces of a message that must survive translation, with their counts."""
    pieces = Counter()
    for m in MATH.finditer(text):
        pieces["math " + m.group(0)] += 1
    rest = MATH.sub(" ", text)
    for m in ROLE.finditer(rest):
        pieces[f"role {m.group(1)}:{_target(m.group(2))}"] += 1
    rest = ROLE.sub(" ", rest)
    for m in CODE.finditer(rest):
        pieces["code " + m.group(1)] += 1
    for m in URL.finditer(text):
        pieces["url " + (m.group(1) or m.group(2))] += 1
    return pieces


def _stray_asterisks(text: str) -> int:
    """Asterisks left as text once Markdown has parsed the emphasis: an emphasis that did
    not close. (CommonMark closes ``**…**`` after punctuation only before a space or
    punctuation, so ``**…）**才`` stays literal in Chinese: ``**…）** 才`` closes.)"""
    from markdown_it import MarkdownIt

    plain = ROLE.sub("R", CODE.sub("C", MATH.sub("M", text)))
    count = 0
    for token in MarkdownIt("commonmark").parseInline(plain):
        for child in token.children or []:
            if child.type == "text":
                count += child.content.count("*")
    return count


def problems(msgid: str, msgstr: str) -> list[str]:
    """What a translation lost or added; empty when its markup is intact."""
    want, got = markup(msgid), markup(msgstr)
    missing = want - got
    extra = got - want
    out = [f"lost {k!r}" for k in missing]
    out += [f"added {k!r}" for k in extra if not k.startswith("url ")]
    if _stray_asterisks(msgstr) > _stray_asterisks(msgid):
        out.append("lost 'emphasis': an emphasis does not close (a space after a closing ** "
                   "that follows punctuation)")
    return out


def _path(page: str) -> Path:
    path = CATALOGS / f"{page}.po"
    if not path.is_file():
        raise SystemExit(f"no catalog {path.relative_to(ROOT)}")
    return path


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _write(path: Path, catalog) -> None:
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False)


# the themes' interface strings that their own zh_CN catalogs lack, kept by hand beside the
# pages' catalogs (the "sphinx" domain is read from locale_dirs; _ext/zh_edition.py adds
# "booktheme")
INTERFACE = {"sphinx": "pydata-sphinx-theme's strings", "booktheme": "sphinx-book-theme's strings"}


def catalogs() -> list[str]:
    """Every catalog: the book's pages, then the interface's."""
    return sorted(p.relative_to(CATALOGS).with_suffix("").as_posix() for p in CATALOGS.rglob("*.po"))


def pages() -> list[str]:
    """The catalogs of the book's pages."""
    return [c for c in catalogs() if c not in INTERFACE]


def _by_design(page: str, message) -> bool:
    if page in BY_DESIGN:
        return True
    # a glossary term's name: the key of {term}; its definition carries the Chinese
    return page == "chapters/glossary" and message.id in glossary()


def glossary() -> dict[str, str]:
    """The glossary's terms, English -> Chinese: the one term list the translation and the
    Chinese search's dictionary (_ext/zh_edition.py) share."""
    text = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    terms, english = {}, None
    for line in block.splitlines():
        if line and not line[0].isspace():
            english = line.strip()
        elif english and line.strip():
            terms[english] = line.strip().split(". ", 1)[0]
            english = None
    return terms


def counts(page: str) -> dict[str, int]:
    catalog = _read(_path(page))
    out = Counter()
    for m in catalog:
        if not m.id:
            continue
        if m.fuzzy:
            out["fuzzy"] += 1
        elif m.string:
            out["translated"] += 1
        elif _by_design(page, m):
            out["english by design"] += 1
        else:
            out["untranslated"] += 1
    return dict(out)


def export(page: str, out: str) -> int:
    catalog = _read(_path(page))
    todo = {m.id: (m.string if m.fuzzy else "") for m in catalog
            if m.id and (m.fuzzy or not m.string) and not _by_design(page, m)}
    Path(out).write_text(json.dumps(todo, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(todo)} messages of {page} to translate -> {out}")
    return 0


def do_import(page: str, source: str) -> int:
    path = _path(page)
    catalog = _read(path)
    translations = json.loads(Path(source).read_text(encoding="utf-8"))
    bad, done = 0, 0
    for msgid, msgstr in translations.items():
        if not msgstr:
            continue
        message = catalog.get(msgid)
        if message is None:
            print(f"not in the catalog (the English changed?): {msgid[:70]!r}")
            bad += 1
            continue
        lost = problems(msgid, msgstr)
        if lost:
            print(f"refused {msgid[:60]!r}: " + "; ".join(lost))
            bad += 1
            continue
        message.string = msgstr
        message.flags.discard("fuzzy")
        done += 1
    _write(path, catalog)
    print(f"{page}: {done} translations written, {bad} refused")
    return 1 if bad else 0


def check() -> int:
    bad = 0
    for page in catalogs():
        for m in _read(_path(page)):
            if m.id and m.string and not m.fuzzy:
                for p in problems(m.id, m.string):
                    print(f"{page}: {m.id[:60]!r}: {p}")
                    bad += 1
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["status"] or not argv:
        total = Counter()
        for page in catalogs():
            c = counts(page)
            total.update(c)
            print(f"{page:42s} " + ", ".join(f"{v} {k}" for k, v in sorted(c.items())))
        print("total: " + ", ".join(f"{v} {k}" for k, v in sorted(total.items())))
        return 0
    if argv[0] == "export" and len(argv) == 3:
        return export(argv[1], argv[2])
    if argv[0] == "import" and len(argv) == 3:
        return do_import(argv[1], argv[2])
    if argv[0] == "check":
        return check()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
