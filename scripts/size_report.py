"""Prints the raw and gzipped size of every file in a directory, and the totals. With
`--budget FILE`, fails (exit 1) when the gzipped total is above the budget the file names:
its first line that is not a comment is a number of bytes."""

import gzip
import sys
from pathlib import Path


def read_budget(path: Path) -> int:
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().replace("_", "")
        if line:
            return int(line)
    raise ValueError(f"{path} names no budget")


def main() -> int:
    args = sys.argv[1:]
    budget = None
    if "--budget" in args:
        at = args.index("--budget")
        budget = read_budget(Path(args[at + 1]))
        del args[at : at + 2]
    root = Path(args[0] if args else "dist")
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
    total_gz = sum(g for _, _, g in rows)
    print(f"{'total':<{width}}  {sum(r for _, r, _ in rows):>10,}  {total_gz:>10,}")
    if budget is not None:
        share = 100 * total_gz / budget
        print(f"budget: {total_gz:,} of {budget:,} bytes gzip ({share:.1f} %)")
        if total_gz > budget:
            print(f"over the size budget by {total_gz - budget:,} bytes", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
