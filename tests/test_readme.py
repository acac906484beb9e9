"""The README's two set-up commands and what CI runs stay in step."""

import re

from conftest import ROOT


def commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "the README opens with a sh block"
    return [ln for ln in block.group(1).splitlines() if ln.strip()]


def test_readme_opens_with_exactly_two_commands():
    cmds = commands()
    assert len(cmds) == 2
    assert "kg build examples/" in cmds[0]
    assert "pytest" in cmds[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci/run").read_text()
    pattern = re.search(r"grep -m1 -E '([^']+)' README.md", ci).group(1)
    assert re.match(pattern, commands()[1])
    assert not re.match(pattern, commands()[0])


def test_example_corpus_is_there():
    assert (ROOT / "examples/papers.txt").stat().st_size > 5000


def test_global_flags_work_after_the_command():
    from kg.cli.main import make_parser

    for argv in (["build", "x", "--no-progress", "--debug"], ["--no-progress", "--debug", "build", "x"]):
        args = make_parser().parse_args(argv)
        assert args.progress is False and args.debug is True, argv
    assert make_parser().parse_args(["build", "x"]).progress is True
