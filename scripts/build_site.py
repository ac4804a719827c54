"""Build the reading site: static HTML of the committed notebooks, offline.

    python scripts/build_site.py            # build/site/index.html (make site)
    python scripts/build_site.py --out DIR

The pages are the committed notebooks as they are (the full-mode run; nothing is
executed), converted with nbconvert's JupyterLab template, so they look like the
notebook in JupyterLab: code, printed output, figures and audio players. Added:
an index page with the four parts and what each teaches (the list in each
notebook's first cell, as in README's table: ``scripts/notebook_index.py``), the
Colab setup cell folded to its title (a ``<details>`` that opens to the code),
previous/next links on every page, and MathJax served from the site itself
(copied from the ``jupyter-server-mathjax`` package), so that the maths renders
without a network. The template's other CDN scripts (require.js,
mermaid) are left out: static pages without widgets need neither.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from notebook_index import inline_html, parts
from notebook_tools import is_setup_cell

# MathJax 2 from jupyter_server_mathjax: its combined TeX/HTML-CSS configuration,
# with the STIX-Web fonts (the package ships no TeX web fonts); no extension that
# hides TeX errors.
MATHJAX_CONFIG = r"""
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  TeX: {extensions: ["AMSmath.js", "AMSsymbols.js", "boldsymbol.js"],
        equationNumbers: {autoNumber: "AMS"}},
  tex2jax: {inlineMath: [["$", "$"], ["\\(", "\\)"]],
            displayMath: [["$$", "$$"], ["\\[", "\\]"]],
            processEscapes: true, processEnvironments: true},
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web",
               imageFont: null, linebreaks: {automatic: true}},
  messageStyle: "none"
});
</script>
<script src="mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"></script>
"""
NAV_CSS = """
nav.site-nav { display: flex; justify-content: space-between; gap: 1em;
  max-width: 1100px; margin: 0.8em auto; padding: 0.5em 1em;
  font-family: system-ui, sans-serif; font-size: 0.95em;
  border-top: 1px solid #ddd; border-bottom: 1px solid #ddd; }
nav.site-nav a { text-decoration: none; }
nav.site-nav span { min-width: 12em; }
details.site-folded > summary { cursor: pointer; color: #555;
  font-family: system-ui, sans-serif; font-size: 0.9em;
  padding: 0.3em 0 0.3em calc(var(--jp-cell-prompt-width, 64px) + 4px); }
"""
TEMPLATE = (
    "{%- extends 'index.html.j2' -%}\n"
    "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    "{%- block html_head_js_mathjax -%}{{ resources.site_mathjax }}"
    "{%- endblock html_head_js_mathjax -%}\n"
    "{% block extra_css %}<style>{{ resources.site_css }}</style>{% endblock %}\n"
    "{%- block body_header -%}{{ super() }}{{ resources.site_nav }}"
    "{%- endblock body_header -%}\n"
    "{% block body_footer %}{{ resources.site_nav }}{{ super() }}"
    "{% endblock body_footer %}\n"
    # a cell whose source JupyterLab hides (the Colab setup cell) is folded to
    # one line, its title, that opens to the code
    "{% block input_group -%}{%- if cell.metadata.site_summary -%}"
    '<details class="site-folded"><summary>{{ cell.metadata.site_summary | e }}'
    "</summary>{{ super() }}</details>"
    "{%- else -%}{{ super() }}{%- endif -%}{% endblock input_group %}\n"
)
INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 50em; margin: 2em auto;
  padding: 0 1em; line-height: 1.5; color: #222; }}
ol.parts > li {{ margin-bottom: 1em; }}
ol.parts > li > a {{ font-weight: 600; }}
.what {{ color: #444; margin: 0.3em 0 0; padding-left: 1.2em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{intro}</p>
<ol class="parts">
{parts}
</ol>
<p>Each page is a notebook as it was last run in full mode, with its figures,
sounds and printed checks. To run one yourself, open it in JupyterLab or Colab
(the link at the top of each page).</p>
</body>
</html>
"""
BADGE = re.compile(
    r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/"
    r"colab-badge\.svg\)\]\(([^)]+)\)"
)


def mathjax_folder() -> Path:
    """The MathJax 2 copy inside the ``jupyter-server-mathjax`` package."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        sys.exit("make site needs jupyter-server-mathjax: pip install -e '.[browser]'")
    return Path(jupyter_server_mathjax.__file__).parent / "static"


def teaches_html(paths: list[Path]) -> dict[str, str]:
    """What each notebook teaches, as an HTML list: the bullets of its first cell
    (``scripts/notebook_index.py``, which README's table is made from too)."""
    found = {}
    for part in parts(paths):
        items = "".join(f"<li>{inline_html(t)}</li>" for t in part.teaches)
        found[part.stem] = f'<ul class="what">{items}</ul>'
    return found


def intro_from_readme() -> tuple[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    title = text.splitlines()[0].lstrip("# ").split(":")[0]
    first = html.escape(text.split("\n\n")[1].replace("\n", " "), quote=False)
    first = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', first)
    return title, first


def folded_summary(cell) -> str | None:
    """The one line a folded code cell shows on the site, or None if it is shown.

    A cell is folded when JupyterLab hides its source (``"jupyter":
    {"source_hidden": true}``) or when it is the Colab setup cell; the line is
    its Colab form title (``#@title ...``) or else its first line.
    """
    hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")
    if cell.cell_type != "code" or not (hidden or is_setup_cell(cell)):
        return None
    first = cell.source.splitlines()[0] if cell.source else ""
    title = re.sub(r"^#\s*@title\s*|^#\s*", "", first)
    return re.sub(r"\s*\{[^}]*\}\s*$", "", title).strip() or "Code"


def title_of(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "notebook"


def nav(pages: list[tuple[str, str]], i: int) -> str:
    def link(j, arrow_left):
        if not 0 <= j < len(pages):
            return "<span></span>"
        stem, title = pages[j]
        label = f"&larr; {html.escape(title)}" if arrow_left else \
            f"{html.escape(title)} &rarr;"
        rel = "prev" if arrow_left else "next"
        return f'<span><a rel="{rel}" href="{stem}.html">{label}</a></span>'

    return (f'<nav class="site-nav">{link(i - 1, True)}'
            f'<span><a href="index.html">Contents</a></span>{link(i + 1, False)}</nav>')


def build(out: Path, paths: list[Path]) -> list[str]:
    """Write the site to ``out``; return one warning per stderr output found."""
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(mathjax_folder(), out / "mathjax", dirs_exist_ok=True)
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"site.html.j2": TEMPLATE})],
        template_file="site.html.j2",
    )
    notebooks = [nbformat.read(p, as_version=4) for p in paths]
    pages = [(p.stem, title_of(nb)) for p, nb in zip(paths, notebooks, strict=True)]
    warnings = []
    for i, (path, nb) in enumerate(zip(paths, notebooks, strict=True)):
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = BADGE.sub(r"[Open in Colab](\1)", cell.source)
            summary = folded_summary(cell)
            if summary:
                cell.metadata["site_summary"] = summary
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.name == "stderr":
                    warnings.append(f"{path.name}: stderr output: {output.text[:80]!r}")
        resources = {
            "metadata": {"name": pages[i][1]},
            "site_nav": nav(pages, i),
            "site_mathjax": MATHJAX_CONFIG,
            "site_css": NAV_CSS,
        }
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        (out / f"{path.stem}.html").write_text(body, encoding="utf-8")
    teaches = teaches_html(paths)
    title, intro = intro_from_readme()
    items = "\n".join(
        f'<li><a href="{stem}.html">{html.escape(name)}</a>\n{teaches[stem]}</li>'
        for stem, name in pages
    )
    index = INDEX.format(title=html.escape(title), intro=intro, parts=items)
    (out / "index.html").write_text(index, encoding="utf-8")
    return warnings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "site"))
    args = parser.parse_args(argv)
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    warnings = build(Path(args.out), paths)
    for warning in warnings:
        print("warning:", warning)
    print(f"site: {len(paths)} pages and an index in {args.out}/ "
          f"(open index.html; no network needed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
