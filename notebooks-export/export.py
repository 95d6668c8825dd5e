"""Export the notebook of the committed reference run, pointed at its folder.

Usage: python export.py [--check]

Copies results/reference/notebook.ipynb to notebooks-export/reference.ipynb with RUN_DIR set to
../results/reference, so the notebook runs from this folder. With --check it writes nothing and
exits with 1 when the exported copy is out of date.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "results" / "reference" / "notebook.ipynb"
TARGET = HERE / "reference.ipynb"


def exported() -> str:
    text = SOURCE.read_text()
    placeholder = 'RUN_DIR = Path(\\".\\")'
    if placeholder not in text:
        raise SystemExit(
            f"{SOURCE}: the line {placeholder!r} is missing; rewrite the notebook with infocap run"
        )
    return text.replace(placeholder, 'RUN_DIR = Path(\\"../results/reference\\")')


def main() -> int:
    text = exported()
    if "--check" in sys.argv[1:]:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} is out of date; run python {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{TARGET.name} matches {SOURCE.relative_to(HERE.parent)}")
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
