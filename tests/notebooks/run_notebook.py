#!/usr/bin/python3
"""Executes one notebook headless, as a reader would run it top to bottom; fails (exit 1)
on the first cell that raises, printing the cell and its traceback.

usage: run_notebook.py NOTEBOOK.ipynb MAILSIM [CELL_TIMEOUT_SECONDS]

The kernel runs in the notebook's folder with MAILSIM set; Jupyter's and IPython's
per-user folders point into a temporary folder, so that neither a user's kernels nor
their history affect the run. The notebook file is not modified.
"""
import os
import re
import sys
import tempfile

import nbclient
import nbformat


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    path, mailsim = argv[1], argv[2]
    timeout = int(argv[3]) if len(argv) == 4 else 600
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="mailsim-nb-") as home:
        os.environ.update(MAILSIM=mailsim, JUPYTER_DATA_DIR=os.path.join(home, "jupyter"),
                          IPYTHONDIR=os.path.join(home, "ipython"),
                          MPLCONFIGDIR=os.path.join(home, "matplotlib"),
                          PYDEVD_DISABLE_FILE_VALIDATION="1")
        os.environ.pop("JUPYTER_PATH", None)
        client = nbclient.NotebookClient(
            nb, timeout=timeout, kernel_name="python3",
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        try:
            client.execute()
        except nbclient.exceptions.CellExecutionError as e:
            plain = re.sub(r"\x1b\[[0-9;]*m", "", str(e))  # IPython colours its tracebacks
            print(f"{path}: a cell failed\n{plain}", file=sys.stderr)
            return 1
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    print(f"{path}: {len(code_cells)} code cells ran without error")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
