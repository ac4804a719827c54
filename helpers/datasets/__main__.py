"""Command line: ``python -m helpers.datasets build [--quick] [--seed N] ...``.

Builds (or checks and repairs) the embedded datasets and prints a table: items,
hours of audio, classes, size on disk and seconds taken, per dataset.
"""

from __future__ import annotations

import argparse
import sys
import time

from ..errors import DatasetError, ParameterError
from .registry import DATASETS, build


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.datasets",
        description="Build the embedded MIR datasets (offline, deterministic).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build, check or repair the datasets")
    b.add_argument("--quick", action="store_true", help="the small, quick size")
    b.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    b.add_argument("--only", default=None,
                   help=f"one dataset: {', '.join(DATASETS)}")
    b.add_argument("--soundfont", default=None, help="a .sf2 file (default TimGM6mb)")
    b.add_argument("--workers", type=int, default=None, help="rendering processes")
    b.add_argument("--no-progress", action="store_true", help="hide progress bars")
    args = parser.parse_args(argv)

    from ..env import data_dir

    rows = [("dataset", "items", "hours", "classes", "size MB", "seconds")]
    t0 = time.perf_counter()
    try:
        for name in [args.only] if args.only else DATASETS:
            start = time.perf_counter()
            m = build(
                name,
                quick=args.quick,
                seed=args.seed,
                soundfont=args.soundfont,
                progress=not args.no_progress,
                workers=args.workers,
            )[name]
            s = m["stats"]
            cells = (s["items"], f"{s['hours']:.2f}", len(m["info"]["classes"]))
            cells += (f"{s['bytes'] / 1e6:.1f}", f"{time.perf_counter() - start:.1f}")
            rows.append((name, *map(str, cells)))
    except (DatasetError, ParameterError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    mode = "quick" if args.quick else "full"
    print(f"\nEmbedded datasets ({mode}, seed {args.seed}) in {data_dir()}:")
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rows.insert(1, tuple("-" * w for w in widths))
    for name, *cells in rows:
        right = (c.rjust(w) for c, w in zip(cells, widths[1:], strict=True))
        print(name.ljust(widths[0]), *right, sep="  ")
    print("probes: made in memory by make_probes() (kinds: tones, triads, clicks)")
    print(f"total: {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
