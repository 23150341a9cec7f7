"""The notebooks in ``notebooks/`` run top to bottom, and the claims they make still hold.

Each notebook states its claims as ``assert`` statements on the simulated numbers (for
example: with REX, the median burnout incidence is lower), so a change of the model that
makes a claim false fails here, as does a notebook that no longer runs. Every notebook
is executed in a fresh kernel with nbclient, from the ``notebooks/`` folder, under a
``python3`` kernel spec written for this interpreter (the virtualenv's), so the kernel
imports the same coopsim as the tests, on a fresh clone as on a developer's machine.
Without ipykernel (the kernel itself) they are skipped on a workstation, saying what to
install, and fail in CI (``CI`` set, as ``.ci/run`` does).

The notebooks must also be committed clean: outputs cleared, nbformat 4, kernel
``python3``, an English abstract first and a section "À essayer".
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
EXPECTED = [
    "01-decouvrir-tera.ipynb",
    "02-la-spirale-de-l-epuisement.ipynb",
    "03-rex-et-mediation.ipynb",
    "04-contractualiser-ou-pas.ipynb",
    "05-revenu-de-transition.ipynb",
    "06-explorer-en-chercheur.ipynb",
]
CELL_TIMEOUT = 120  # seconds per cell; a whole notebook takes well under a minute
KERNEL = "python3"

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="session")
def python3_kernel(
    tmp_path_factory: pytest.TempPathFactory, missing_dependency: Callable[[str, str], NoReturn]
) -> Iterator[str]:
    """A ``python3`` kernel spec that starts this interpreter, found first on JUPYTER_PATH.

    Writing the spec (rather than relying on one installed somewhere) makes the kernel
    resolve to the virtualenv's Python even when the user's Jupyter folder holds another
    ``python3`` kernel; nothing outside the temporary folder is touched.
    """
    if importlib.util.find_spec("ipykernel_launcher") is None:
        missing_dependency(
            f"ipykernel, the notebooks' kernel, in {sys.executable}", "make install-dev (pip install -e '.[dev]')"
        )
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (coopsim tests)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    patch = pytest.MonkeyPatch()
    paths = [str(root), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    patch.setenv("JUPYTER_PATH", os.pathsep.join(paths))
    assert KernelSpecManager().get_kernel_spec(KERNEL).argv[0] == sys.executable
    yield KERNEL
    patch.undo()


def test_the_notebooks_are_there() -> None:
    assert {p.name for p in NOTEBOOKS} >= set(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == KERNEL
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code), "clear the outputs"
    first = nb.cells[0]
    abstract = [line for line in first.source.splitlines() if line.strip("> ")]
    assert first.cell_type == "markdown" and "Abstract" in first.source and len(abstract) == 3
    assert any(cell.cell_type == "markdown" and cell.source.startswith("## À essayer") for cell in nb.cells)
    assert any("assert " in cell.source for cell in code), "a notebook states its claims as asserts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_its_claims_hold(path: Path, python3_kernel: str) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=python3_kernel,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    client.execute()  # raises CellExecutionError, with the failing cell and traceback
