"""The small examples in kg's docstrings run, and hold."""

import doctest
import importlib
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"
MODULES = sorted(".".join(p.relative_to(KG.parent).with_suffix("").parts).removesuffix(".__init__")
                 for p in KG.rglob("*.py") if "__pycache__" not in p.parts and p.name != "__main__.py")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, name, globs=vars(module).copy()):
        if test.filename and Path(test.filename).resolve() != Path(module.__file__ or "").resolve():
            continue  # re-exported from another module: tested there
        runner.run(test)
    failed, _ = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} docstring example(s) of {name} failed (see the output above)"


def test_the_docstrings_hold_examples() -> None:
    # the check above passes vacuously on modules without examples: the package as a whole has many
    finder = doctest.DocTestFinder(exclude_empty=True)
    count = sum(len(t.examples) for name in MODULES
                for t in finder.find(importlib.import_module(name), name))
    assert count >= 30
