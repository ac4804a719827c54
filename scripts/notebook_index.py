"""What each notebook teaches, read from the notebook itself: README's table, the site.

    python scripts/notebook_index.py            # print README's table
    python scripts/notebook_index.py --write    # rewrite it in README.md
    python scripts/notebook_index.py --check    # exit 1 if README has drifted

The list of what a notebook teaches is written once, in its first cell, and
README's table of the parts (between the ``<!-- notebooks: ... -->`` and
``<!-- /notebooks -->`` comments) and the reading site's index
(``scripts/build_site.py``) are made from it. ``python scripts/run_notebooks.py
--sync`` rewrites the table too, and ``tests/test_notebook_index.py`` fails when
README and the notebooks disagree.

Cell 0 of every notebook reads::

    # 2. Audio representations

    [![Open In Colab](...colab-badge.svg)](...)

    *Part 2 of a four-part tutorial on ...*

    A short introduction that ends with "you will" (or "In this notebook you will")

    - one bullet per thing taught, **bold** key terms allowed, continuation lines
      indented by two spaces;
    - ... the last bullet ends with a full stop.

    Anything else (a paragraph on checks, on quick mode ...).

A notebook whose introduction says it in one sentence instead ("You will compare
...; test ...; and cope with ...") is read clause by clause, split at the
semicolons; any other first cell is refused with a message saying what it lacks.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BEGIN = "<!-- notebooks: made from each notebook's first cell by notebook_index.py -->"
END = "<!-- /notebooks -->"
_BEGIN_RE = re.compile(r"<!-- notebooks:[^\n]*-->")

__all__ = [
    "NotebookFormatError",
    "Part",
    "part_of",
    "parts",
    "readme_table",
    "replace_table",
    "inline_html",
]


class NotebookFormatError(ValueError):
    """A notebook's first cell does not say what the notebook teaches as expected."""


@dataclass(frozen=True)
class Part:
    """One notebook as the index shows it.

    ``teaches`` holds the bullets of cell 0 in Markdown, without the leading
    ``- `` and without the ``;`` or ``.`` that ends each; ``from_sentence`` is
    True when they were clauses of a sentence rather than a list.
    """

    stem: str
    title: str
    teaches: tuple[str, ...]
    from_sentence: bool = False

    @property
    def path(self) -> str:
        return f"notebooks/{self.stem}.ipynb"


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _tidy(item: str) -> str:
    item = " ".join(item.split())
    return item.rstrip(";.").removesuffix(" and").strip()


def _bullets(lines: list[str]) -> list[str]:
    """The ``- `` items at the top of ``lines`` (a loose list's blank lines too)."""
    items: list[str] = []
    for line in lines:
        if line.startswith("- "):
            items.append(line[2:])
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
        elif items and line.strip():
            break
    return [_tidy(item) for item in items]


def _clauses(paragraph: str) -> list[str]:
    """The clauses of "You will a; b; and c." after "you will"."""
    text = " ".join(paragraph.split())
    match = re.search(r"\b[Yy]ou will (.+?\.)(?:\s|$)", text)
    if not match or ";" not in match[1]:
        return []
    clauses = [_tidy(c.strip().removeprefix("and ")) for c in match[1].split(";")]
    return [c for c in clauses if c]


def part_of(stem: str, source: str) -> Part:
    """Read the title and the taught bullets from the source of cell 0."""
    lines = source.splitlines()
    titles = [line[2:].strip() for line in lines if line.startswith("# ")]
    if not titles:
        raise NotebookFormatError(f"{stem}: cell 0 has no '# N. Title' line")
    paragraphs = re.split(r"\n\s*\n", source)
    for i, para in enumerate(paragraphs):
        if re.search(r"\byou will\s*$", para.strip(), flags=re.IGNORECASE):
            rest = "\n\n".join(paragraphs[i + 1 :]).splitlines()
            items = _bullets(rest)
            if items:
                return Part(stem, titles[0], tuple(items))
            break
    for para in paragraphs:
        items = _clauses(para)
        if items:
            return Part(stem, titles[0], tuple(items), from_sentence=True)
    raise NotebookFormatError(
        f"{stem}: cell 0 does not say what the notebook teaches. It needs a paragraph "
        "ending with 'you will' followed by a list of '- ' bullets (one per thing "
        "taught); see scripts/notebook_index.py"
    )


def parts(paths=None) -> list[Part]:
    """The parts of the series, in order, from ``notebooks/NN_*.ipynb``."""
    import json

    if paths is None:
        paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    found = []
    for path in map(Path, paths):
        nb = json.loads(path.read_text(encoding="utf-8"))
        found.append(part_of(path.stem, _source(nb["cells"][0])))
    return found


def readme_table(found: list[Part]) -> str:
    """README's table of the parts, between its marker comments.

    One row per notebook; its bullets, one per line of the cell (``<br>``),
    since a bullet may hold a semicolon of its own.
    """
    rows = [BEGIN, "| part | in it you will |", "|---|---|"]
    for part in found:
        teaches = "<br>".join(f"• {t}".replace("|", "\\|") for t in part.teaches)
        rows.append(f"| [{part.title}]({part.path}) | {teaches} |")
    rows.append(END)
    return "\n".join(rows)


def replace_table(readme: str, table: str) -> str:
    """``readme`` with the text between the markers replaced by ``table``."""
    begin = _BEGIN_RE.search(readme)
    end = readme.find(END)
    if not begin or end < begin.end():
        raise NotebookFormatError(
            f"README.md has no '<!-- notebooks: ... -->' ... '{END}' markers: add "
            "them where the table of the parts goes"
        )
    return readme[: begin.start()] + table + readme[end + len(END) :]


def inline_html(markdown: str) -> str:
    """HTML of one line of Markdown: code, bold, italics and links (the index's)."""
    codes: list[str] = []

    def keep(match):
        codes.append(f"<code>{html.escape(match[1], quote=False)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = re.sub(r"`([^`]+)`", keep, markdown)
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', text)
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m[1])], text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="rewrite README.md")
    action.add_argument("--check", action="store_true", help="exit 1 on drift")
    args = parser.parse_args(argv)
    try:
        found = parts()
        table = readme_table(found)
        readme = README.read_text(encoding="utf-8")
        new = replace_table(readme, table) if args.write or args.check else readme
    except NotebookFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for part in found:
        if part.from_sentence:
            print(f"note: {part.stem}: read from a sentence's clauses; cell 0 should "
                  "list them as '- ' bullets after 'you will'", file=sys.stderr)
    if args.check:
        if new != readme:
            print("README.md's table of the parts differs from the notebooks: run "
                  "python scripts/notebook_index.py --write", file=sys.stderr)
            return 1
        return 0
    if args.write:
        if new != readme:
            README.write_text(new, encoding="utf-8")
            print("rewrote the table of the parts in README.md")
        return 0
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
