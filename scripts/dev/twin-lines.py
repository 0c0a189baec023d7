#!/usr/bin/env python3
"""Counts the lines that stand identically in both storage adapters.

The measure of issue 20: for every file with the same path under
`adapters-sqlite/src` and `adapters-postgres/src`, take the significant lines
(stripped, at least 4 characters, not a comment), match the two sequences with
difflib's SequenceMatcher and count the lines in matching blocks of at least
3 lines. Shared code included by both crates from one place is not a twin and
is not counted.

    scripts/dev/twin-lines.py            # prints the total and per file
    scripts/dev/twin-lines.py --max 700  # exit 1 when the total is above 700
"""

import argparse
import difflib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SQLITE = ROOT / "adapters-sqlite" / "src"
POSTGRES = ROOT / "adapters-postgres" / "src"
MIN_CHARS = 4
MIN_BLOCK = 3


def significant(path: pathlib.Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if len(line) < MIN_CHARS or line.startswith(("//", "/*", "*")):
            continue
        lines.append(line)
    return lines


def twins(a: list[str], b: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks() if m.size >= MIN_BLOCK)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=int, help="fail when the total is above this")
    args = parser.parse_args()

    total = 0
    rows = []
    for left in sorted(SQLITE.rglob("*.rs")):
        rel = left.relative_to(SQLITE)
        right = POSTGRES / rel
        if not right.is_file():
            continue
        n = twins(significant(left), significant(right))
        rows.append((n, str(rel)))
        total += n
    for n, rel in sorted(rows, reverse=True):
        if n:
            print(f"{n:6d}  {rel}")
    print(f"{total:6d}  total identical lines (blocks >= {MIN_BLOCK}, lines >= {MIN_CHARS} chars)")
    if args.max is not None and total > args.max:
        print(f"twin-lines: {total} > --max {args.max}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
