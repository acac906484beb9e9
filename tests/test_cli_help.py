"""The choices and help of each command come from the registries; ``kg --help`` loads none."""

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from kg.cli.main import COMMANDS, main
from kg.cli.render import QUERY_FORMATS
from kg.export.html import VIEWS
from kg.export.registry import FORMATS as EXPORT_FORMATS
from kg.extract import MODES
from kg.sources import INPUT_FORMATS
from kg.store.presets import preset_names
from kg.store.push import AUTH_SCHEMES

EXPORT_NAMES = tuple(f.name for f in EXPORT_FORMATS)
# (command, option, the registry's names, how the help shows them)
CASES = [
    *[(c, "--input-format", INPUT_FORMATS, "list") for c in ("papers", "extract", "build")],
    *[(c, "--mode", MODES, "choices") for c in ("extract", "build")],
    ("export", "--format", EXPORT_NAMES, "list"),
    ("export", "--view", VIEWS, "choices"),
    ("query", "--format", QUERY_FORMATS, "choices"),
    ("query", "--preset", preset_names(), "list"),
    ("push", "--auth", AUTH_SCHEMES, "choices"),
]


def command_help(command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "1000")  # one line per option
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def option_help(text: str, flag: str) -> str:
    """The lines of ``text`` (a command's help) about option ``flag``, joined."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("  -"):
            blocks.append([line])
        elif blocks and line.startswith("    "):
            blocks[-1].append(line)
    for block in blocks:
        if flag in re.split(r"[ ,]+", block[0].strip().split("  ")[0]):
            return " ".join(line.strip() for line in block)
    raise AssertionError(f"{flag} is not in the help")


def listed(help_text: str, style: str) -> list[str]:
    """The names an option's help offers: argparse's {a,b} or our "a, b" list (the longest)."""
    if style == "choices":
        return re.search(r"\{([^}]*)\}", help_text).group(1).split(",")  # type: ignore[union-attr]
    runs = re.findall(r"[\w-]+(?:, [\w-]+)+", help_text)
    return max(runs, key=len).split(", ")


@pytest.mark.parametrize("command,flag,names,style", CASES, ids=[f"{c}{f}" for c, f, _, _ in CASES])
def test_help_lists_exactly_the_registry(command: str, flag: str, names: Sequence[str], style: str,
                                         capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert names, "an empty registry proves nothing"
    assert listed(option_help(command_help(command, capsys, monkeypatch), flag), style) == list(names)


def test_export_help_gives_each_suffix_its_format(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    text = option_help(command_help("export", capsys, monkeypatch), "--format")
    for fmt in EXPORT_FORMATS:
        for suffix in fmt.suffixes:
            assert re.search(re.escape(f"{suffix} {fmt.name}") + r"[,)]", text), suffix
    directories = [f.name for f in EXPORT_FORMATS if f.directory]
    assert directories and f"{' and '.join(directories)} write a directory" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_is_described_by_its_docstring(command: str, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    doc = importlib.import_module(f"kg.cli.{command}").__doc__
    assert doc and " ".join(doc.split()) in " ".join(command_help(command, capsys, monkeypatch).split())


def test_kg_help_loads_no_registry_and_no_heavy_package() -> None:
    script = ("import sys\nfrom kg.cli.main import main\ntry:\n    main(['--help'])\n"
              "except SystemExit:\n    pass\nprint(' '.join(sys.modules), file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert all(c in run.stdout for c in COMMANDS)
    heavy = {"spacy", "rdflib", "pyoxigraph", "pandas", "networkx", "jsonschema",
             "kg.sources", "kg.extract", "kg.export", "kg.store", "kg.rdf"}
    loaded = {m for m in run.stderr.split() if any(m == h or m.startswith(h + ".") for h in heavy)}
    assert loaded == set()


@pytest.mark.parametrize("command", ["build", "extract"])
def test_help_of_commands_with_a_mode_loads_no_spacy(command: str) -> None:
    # the modes are listed from kg.settings, so the help of `kg build` stays instant
    script = (f"import sys\nfrom kg.cli.main import main\ntry:\n    main([{command!r}, '--help'])\n"
              "except SystemExit:\n    pass\nprint(' '.join(sys.modules), file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "--mode" in run.stdout and "blank" in run.stdout
    assert not [m for m in run.stderr.split() if m == "spacy" or m.startswith("spacy.")]


def test_the_kg_command_ends_at_once_with_its_output_flushed_and_its_exit_code(tmp_path: Path) -> None:
    """kg.cli.main.run (the ``kg`` script, ``python -m kg``) ends the process with os._exit once
    main returns: what was printed is all there, buffered or not, and the exit code is main's."""
    listing = Path(__file__).resolve().parents[1] / "examples" / "papers.txt"
    ok = subprocess.run([sys.executable, "-m", "kg", "papers", str(listing), "--format", "jsonl"],
                        capture_output=True, text=True)  # a pipe: stdout fully buffered
    assert ok.returncode == 0
    rows = [json.loads(line) for line in ok.stdout.splitlines()]
    assert len(rows) >= 20 and ok.stdout.endswith("\n")
    bad = subprocess.run([sys.executable, "-m", "kg", "papers", str(tmp_path / "missing.txt")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("kg papers: error: ") and "missing.txt" in bad.stderr
    # and the interpreter's own ending (atexit, freeing every object) is skipped
    script = ("import atexit, sys; atexit.register(print, 'the interpreter ended'); "
              f"sys.argv = ['kg', 'papers', {str(listing)!r}, '--format', 'jsonl']; "
              "from kg.cli.main import run; run()")
    quick = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert quick.returncode == 0 and quick.stdout == ok.stdout
