"""Prints the largest classes of fcviz by lines and by methods; exits 1 when one is above the limits.

`python3 scripts/class_sizes.py [--top N] [--max-lines 400] [--max-methods 30] [--root DIR]` (run by `make lint`).
A class's lines run from its `class` line (or first decorator) to its last line; its methods are the
functions defined directly in its body (properties and static methods included, nested functions not).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent / "fcviz"


class ClassSize(NamedTuple):
    where: str
    name: str
    lines: int
    methods: int


def class_sizes(root: Path = ROOT) -> list[ClassSize]:
    """Every class under `root`, largest first (by lines, then methods)."""
    sizes = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                methods = sum(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) for item in node.body)
                where = f"{path.relative_to(root.parent)}:{node.lineno}"
                sizes.append(ClassSize(where, node.name, node.end_lineno - first + 1, methods))
    return sorted(sizes, key=lambda size: (size.lines, size.methods), reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=5, help="how many of the largest classes to print")
    parser.add_argument("--max-lines", type=int, default=400)
    parser.add_argument("--max-methods", type=int, default=30)
    parser.add_argument("--root", type=Path, default=ROOT, help="the package to measure (default: fcviz)")
    args = parser.parse_args(argv)
    sizes = class_sizes(args.root.resolve())
    by_methods = sorted(sizes, key=lambda size: (size.methods, size.lines), reverse=True)
    print(f"{'lines':>5} {'methods':>7}  class")
    for size in sizes[:args.top]:
        print(f"{size.lines:>5} {size.methods:>7}  {size.name} ({size.where})")
    print("most methods:", ", ".join(f"{size.name} {size.methods}" for size in by_methods[:args.top]))
    too_big = [size for size in sizes if size.lines > args.max_lines or size.methods > args.max_methods]
    for size in too_big:
        print(f"{size.where}: class {size.name} has {size.lines} lines and {size.methods} methods "
              f"(at most {args.max_lines} lines and {args.max_methods} methods)", file=sys.stderr)
    return 1 if too_big else 0


if __name__ == "__main__":
    sys.exit(main())
