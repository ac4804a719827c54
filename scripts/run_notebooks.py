"""Execute the notebooks headless and write them, with HTML copies, to build/.

    python scripts/run_notebooks.py                 # every notebook, to build/
    python scripts/run_notebooks.py 02_audio_representations --inplace
    python scripts/run_notebooks.py --sync          # only rewrite generated parts

Quick or full mode follows ``MIRDL_QUICK``, read by ``helpers.env.quick_mode``
as the notebooks read it (``make notebooks`` sets it; ``make notebooks FULL=1``
runs the full mode). Widgets draw static figures, so the
HTML copies show pictures. Prints, per notebook, the wall time and the claims
it checked; exits non-zero if any notebook fails.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import notebook_index
from helpers.env import quick_mode
from notebook_tools import clean_notebook, execute_notebook, sync_colab_cells


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    parser.add_argument("--out", default=str(ROOT / "build"), help="output folder")
    parser.add_argument(
        "--inplace",
        action="store_true",
        help="also write the executed notebooks back to notebooks/",
    )
    parser.add_argument(
        "--sync",
        action="store_true",
        help="only rewrite the Colab badge and setup cells, and README's table",
    )
    args = parser.parse_args(argv)

    import nbformat
    from nbconvert import HTMLExporter

    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        paths = [p for p in paths if any(p.stem.startswith(n) for n in args.names)]
    if not paths:
        print("no notebooks matched", args.names)
        return 2
    if args.sync:
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            if sync_colab_cells(nb):
                nbformat.write(nb, path)
                print(f"synced {path.name}")
        return notebook_index.main(["--write"])

    os.environ.setdefault("MIRDL_STATIC", "1")
    mode = "quick" if quick_mode() else "full"
    out = Path(args.out)
    (out / "html").mkdir(parents=True, exist_ok=True)
    print(f"Executing {len(paths)} notebooks in {mode} mode; output in {out}/")
    failed = 0
    for path in paths:
        nb, run = execute_notebook(path)
        clean_notebook(nb)
        nbformat.write(nb, out / path.name)
        html, _ = HTMLExporter().from_notebook_node(nb)
        (out / "html" / f"{path.stem}.html").write_text(html, encoding="utf-8")
        if args.inplace and run.error is None:
            nbformat.write(nb, path)
        status = "ok" if run.error is None else "FAILED"
        print(
            f"\n{path.name}: {status} in {run.seconds:.0f} s, "
            f"{len(run.checks)} claims checked"
        )
        for claim in run.checks:
            print(f"  ✔ {claim}")
        if run.error:
            failed += 1
            print(f"  ✘ {run.error}")
    print(f"\n{len(paths) - failed}/{len(paths)} notebooks ran cleanly")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
