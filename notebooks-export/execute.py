"""Execute Jupyter notebooks headless and fail on the first cell that raises.

Usage: python execute.py NOTEBOOK.ipynb [...]

Each notebook runs with its own folder as the working directory, so relative paths to the
tables it loads resolve the same way as when a user opens it in Jupyter. The executed copy is
not saved: the committed notebook stays free of outputs.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    cells = sum(1 for cell in notebook.cells if cell.cell_type == "code")
    print(f"{path}: {cells} code cells ran without error")


def main() -> int:
    paths = [Path(arg) for arg in sys.argv[1:]]
    if not paths:
        print("usage: execute.py NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    for path in paths:
        try:
            execute(path)
        except CellExecutionError as error:
            print(f"{path}: a cell failed\n{error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
