"""The package layout reads as the pipeline, and imports only point backwards along it.

Stages, in order: the core modules, ``sources/`` (Path -> Paper), ``extract/``
(Paper -> PaperEntities), ``resolve/`` (entities, links), ``rdf/``, ``store/``,
``export/``, ``corpus.py`` (the facade over all of them), then ``build/`` and
``cli/``, which may import anything. A module may import from the core, from its
own stage and from earlier stages, at module level or inside a function alike.
"""

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

CORE = ("records", "settings", "errors", "keys", "fileio")
STAGES = ("sources", "extract", "resolve", "rdf", "store", "export", "corpus", "build", "cli")
# the package itself re-exports the public API lazily; python -m kg runs the CLI
ANYTHING = {"build", "cli", "__init__", "__main__"}
MAX_LINES = 400


def stage_of(module: str) -> int | None:
    """The rank of a ``kg`` module along the pipeline (core is 0); None outside kg."""
    parts = module.split(".")
    if parts[0] != "kg":
        return None
    if len(parts) == 1:
        return len(STAGES) + 1  # `from kg import x`: the facade, later than everything
    if parts[1] in CORE:
        return 0
    if parts[1] in STAGES:
        return 1 + STAGES.index(parts[1])
    raise AssertionError(f"kg.{parts[1]} is neither a core module nor a stage")


def module_name(path: Path, root: Path = KG) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path, root: Path = KG) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in a file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package[: len(package) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            out.append((node.lineno, base))
    return out


def kg_files() -> list[Path]:
    return sorted(p for p in KG.rglob("*.py") if "__pycache__" not in p.parts)


def test_top_level_holds_the_core_corpus_and_the_stages() -> None:
    entries = {p.stem if p.suffix == ".py" else p.name for p in KG.iterdir()
               if p.name != "__pycache__" and p.suffix in (".py", "")}
    assert entries == {*CORE, *STAGES, "__init__", "__main__"}


@pytest.mark.parametrize("path", kg_files(), ids=lambda p: str(p.relative_to(KG)))
def test_imports_point_backwards_along_the_pipeline(path: Path) -> None:
    name = module_name(path)
    here = name.split(".")
    if len(here) == 1 or here[1] in ANYTHING or path.name == "__main__.py":
        return
    rank = stage_of(name)
    assert rank is not None
    wrong = [(line, target) for line, target in imports(path)
             if (r := stage_of(target)) is not None and r > rank]
    assert not wrong, f"{name} imports later stages: " + ", ".join(f"{t} (line {n})" for n, t in wrong)


def test_the_direction_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    # the rule holds for lazy and relative imports too: a checker that only read the top of a
    # file, or only absolute imports, would pass this module
    root = tmp_path / "kg"
    (root / "extract").mkdir(parents=True)
    sample = root / "extract" / "probe.py"
    sample.write_text("def f():\n    from ..export.registry import export\n", encoding="utf-8")
    assert imports(sample, root) == [(2, "kg.export.registry")]
    rank, target = stage_of(module_name(sample, root)), stage_of("kg.export.registry")
    assert rank is not None and target is not None and target > rank


@pytest.mark.parametrize("path", kg_files(), ids=lambda p: str(p.relative_to(KG)))
def test_no_module_is_longer_than_the_limit(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(KG)} has {n} lines; split it by concern"
