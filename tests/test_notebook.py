"""examples/notebooks/explore.ipynb runs headless (nbclient, a real ipykernel), offline, in a temporary
directory, and shows what it says it shows."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

NOTEBOOK = ROOT / "examples" / "notebooks" / "explore.ipynb"

# run first in the kernel: any connection to a host other than this machine raises, so a
# notebook that reached for the network would fail here (the kernel's own ZeroMQ sockets
# are not Python sockets and stay on loopback)
NO_NETWORK = """
import ipaddress, socket
_connect = socket.socket.connect
def _local_only(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and host != "localhost" and not ipaddress.ip_address(
            socket.gethostbyname(host) if not host.replace(".", "").isdigit() else host).is_loopback:
        raise OSError(f"the notebook tried to reach {host}: no network in this test")
    return _connect(self, address)
socket.socket.connect = _local_only
"""


def text_of(outputs: list[Any]) -> str:
    parts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        for key in ("text/html", "text/plain"):
            if key in out.get("data", {}):
                parts.append(out["data"][key])
    return "\n".join(parts)


def test_the_notebook_is_no_input_of_kg_build_examples() -> None:
    # regression: examples/explore.ipynb was read by `kg build examples/` (the README's first
    # command) as JSON paper records, and the build stopped; a subfolder is never an input
    from kg.sources import expand_paths

    assert NOTEBOOK.is_file()
    assert expand_paths([ROOT / "examples"]) == [ROOT / "examples" / "papers.txt"]


@pytest.mark.slow
def test_the_example_notebook_runs_headless_and_offline(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, tmp_path / "notebooks")
    shutil.copy(ROOT / "examples" / "papers.txt", tmp_path)
    nb = nbformat.read(tmp_path / "notebooks" / "explore.ipynb", as_version=4)
    ours = len(nb.cells)
    nb.cells.insert(0, nbformat.v4.new_code_cell(NO_NETWORK))
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path / "notebooks")}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    cells = {c["id"]: c for c in nb.cells[1:]}
    assert len(cells) == ours
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    corpus = cells["cell-01"]["outputs"][0]["data"]
    assert "31 papers" in corpus["text/html"] and "Corpus(31 papers" in corpus["text/plain"]
    assert '<div class="kg-card"><h3>GPT-3 <small>[model]</small>' in text_of(cells["cell-03"]["outputs"])
    assert text_of(cells["cell-04"]["outputs"]).startswith("Attention Is All You Need  [paper]")
    assert "did you mean: 'GPT-3'" in text_of(cells["cell-05"]["outputs"])
    assert "2020-05" in text_of(cells["cell-07"]["outputs"])
    assert "'top_models'" in text_of(cells["cell-10"]["outputs"])
    report = (tmp_path / "notebooks" / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and report.count("<svg") >= 8
    assert "'Corpus'" in text_of(cells["cell-13"]["outputs"])
