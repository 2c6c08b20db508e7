"""Prints the raw and gzipped size of every file in a directory, and the totals."""

import gzip
import sys
from pathlib import Path


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    if not root.is_dir():
        print(f"{root} does not exist: build first", file=sys.stderr)
        return 1
    rows = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        rows.append((str(path.relative_to(root)), len(data), len(gzip.compress(data, 9))))
    width = max(len(name) for name, _, _ in rows)
    print(f"{'file':<{width}}  {'raw':>10}  {'gzip -9':>10}")
    for name, raw, gz in rows:
        print(f"{name:<{width}}  {raw:>10,}  {gz:>10,}")
    print(f"{'total':<{width}}  {sum(r for _, r, _ in rows):>10,}  {sum(g for _, _, g in rows):>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
