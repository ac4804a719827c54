"""What each notebook teaches is written once, in its first cell: README's table
of the parts and the site's index are made from it (``scripts/notebook_index.py``)."""

from pathlib import Path

import pytest

import notebook_index
from notebook_index import (
    NotebookFormatError,
    inline_html,
    part_of,
    parts,
    readme_table,
    replace_table,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

CELL0 = """# 9. A title

[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](x)

*Part 9 of a four-part tutorial.*

An introduction. In this notebook you will

- hear **aliasing**, and compute the
  log-mel spectrogram by hand;
- see a *shift*; use `chroma` and MFCC;
- measure what it costs.

Every claim is checked.
"""


def test_readme_table_is_made_from_the_notebooks():
    """Edit a notebook's opening list, then run the command the message names."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = replace_table(readme, readme_table(parts(NOTEBOOKS)))
    assert readme == expected, (
        "README.md's table of the parts differs from the notebooks' first cells: "
        "run python scripts/notebook_index.py --write"
    )


def test_every_notebook_says_what_it_teaches():
    found = parts(NOTEBOOKS)
    assert [p.stem for p in found] == [p.stem for p in NOTEBOOKS]
    for part in found:
        assert part.title[0].isdigit() and len(part.teaches) >= 3, part
        assert all(len(item) > 10 for item in part.teaches), part


def test_bullets_are_read_with_their_continuation_lines():
    part = part_of("09_x", CELL0)
    assert part.title == "9. A title"
    assert part.teaches == (
        "hear **aliasing**, and compute the log-mel spectrogram by hand",
        "see a *shift*; use `chroma` and MFCC",
        "measure what it costs",
    )
    assert not part.from_sentence
    loose = CELL0.replace(";\n- ", ";\n\n- ")
    assert part_of("09_x", loose).teaches == part.teaches


def test_a_sentence_is_read_clause_by_clause():
    """Notebook 01 said it in one sentence; its clauses stand in for bullets."""
    source = (
        "# 1. Background\n\nIntro on music. You will compare features and write a\n"
        "loop; test a rule; and cope with too little data.\n\nEvery claim ...\n"
    )
    part = part_of("01_x", source)
    assert part.from_sentence
    assert part.teaches == (
        "compare features and write a loop", "test a rule", "cope with too little data")


@pytest.mark.parametrize("source, says", [
    ("No title here.\n\nYou will\n\n- a thing;\n", "no '# N. Title'"),
    ("# 1. Title\n\nIt teaches things.\n", "ending with 'you will'"),
])
def test_a_first_cell_without_the_list_is_refused(source, says):
    with pytest.raises(NotebookFormatError, match=says):
        part_of("01_x", source)


def test_table_goes_between_the_markers_and_nowhere_else():
    table = readme_table([part_of("09_x", CELL0)])
    assert table.startswith("<!-- notebooks:") and table.endswith("<!-- /notebooks -->")
    assert "| [9. A title](notebooks/09_x.ipynb) | • hear **aliasing**" in table
    assert "<br>• see a *shift*; use `chroma` and MFCC<br>" in table
    text = "intro\n\n<!-- notebooks: old -->\nold table\n<!-- /notebooks -->\n\nafter\n"
    new = replace_table(text, table)
    assert new == f"intro\n\n{table}\n\nafter\n"
    assert replace_table(new, table) == new
    with pytest.raises(NotebookFormatError, match="markers"):
        replace_table("no markers", table)


def test_check_and_write(tmp_path, monkeypatch, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# T\n\n<!-- notebooks: -->\n<!-- /notebooks -->\n")
    monkeypatch.setattr(notebook_index, "README", readme)
    assert notebook_index.main(["--check"]) == 1
    assert "notebook_index.py --write" in capsys.readouterr().err
    assert notebook_index.main(["--write"]) == 0
    assert notebook_index.main(["--check"]) == 0
    assert "notebooks/02_audio_representations.ipynb" in readme.read_text()


def test_inline_markdown_to_html():
    assert inline_html("see **shift** & `a<b` with *context*") == (
        "see <strong>shift</strong> &amp; <code>a&lt;b</code> with <em>context</em>")
    assert inline_html("3 x 3 kernels, 2*3") == "3 x 3 kernels, 2*3"
