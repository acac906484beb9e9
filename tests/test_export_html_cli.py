"""kg export --format html with its view options, on a real build of the example corpus."""

import pytest

from kg.build import build
from kg.cli.main import main
from kg.settings import Settings


@pytest.fixture(scope="module")
def built(tmp_path_factory, examples, nlp):
    out = tmp_path_factory.mktemp("build")
    build([examples / "papers.txt"], out, Settings(progress=False), progress=False, nlp=nlp)
    return out


@pytest.fixture(scope="module")
def examples():
    from conftest import ROOT

    return ROOT / "examples"


def test_focus_writes_a_smaller_page(built, tmp_path):
    full, focus = tmp_path / "full.html", tmp_path / "focus.html"
    assert main(["export", "--store", str(built), "-o", str(full)]) == 0
    assert main(["export", "--store", str(built), "--format", "html", "--focus", "LoRA",
                 "--depth", "1", "-o", str(focus)]) == 0
    assert "Neighbourhood of" in focus.read_text() and focus.stat().st_size < full.stat().st_size


def test_unknown_focus_is_a_one_line_error(built, tmp_path, capsys):
    assert main(["export", "--store", str(built), "-o", str(tmp_path / "x.html"),
                 "--focus", "NoSuchThing"]) == 2
    err = capsys.readouterr().err
    assert "NoSuchThing" in err and err.count("\n") == 1
    assert not (tmp_path / "x.html").exists()
