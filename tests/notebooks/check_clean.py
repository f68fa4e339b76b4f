#!/usr/bin/python3
"""The notebooks are committed without outputs: no code cell has outputs or an execution
count, so that diffs show only what a person wrote. With --clear, removes them in place.

usage: check_clean.py [--clear] NOTEBOOK.ipynb...
"""
import sys

import nbformat


def clear(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, path)


def main(paths):
    clearing = paths[:1] == ["--clear"]
    if clearing:
        paths = paths[1:]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    dirty = []
    for path in paths:
        if clearing:
            clear(path)
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
                dirty.append(f"{path}: cell {i} has outputs or an execution count")
    for line in dirty:
        print(line, file=sys.stderr)
    if dirty:
        print("clear them before committing: tests/notebooks/check_clean.py --clear "
              "notebooks/*.ipynb (or in Jupyter: Cell > All Output > Clear)", file=sys.stderr)
        return 1
    print(f"{len(paths)} notebooks, none with outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
