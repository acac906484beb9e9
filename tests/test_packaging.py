"""Regression: a non-editable install once missed kg/extract/data/heads.json.

Every data file of a package must be covered by its package-data patterns, or
`pip install .` ships a kg that fails at run time.
"""

import os
import shutil
import subprocess
import sys
import tomllib

from conftest import ROOT


def test_every_data_file_is_package_data():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    dirs = cfg["package-dir"]
    patterns = cfg["package-data"]
    missing = []
    for package in cfg["packages"]:
        folder = ROOT / dirs.get(package, package.replace(".", "/"))
        # setuptools globs the patterns: "*" does not cross "/" (fnmatch's does)
        covered = {p for pattern in patterns.get(package, []) for p in folder.glob(pattern)}
        subpackages = {ROOT / dirs.get(p, p.replace(".", "/")) for p in cfg["packages"] if p != package}
        for path in folder.rglob("*"):
            if (not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts
                    or any(sp in path.parents for sp in subpackages if folder in sp.parents)):
                continue
            if path not in covered:
                missing.append(f"{package}: {path.relative_to(folder).as_posix()}")
    assert missing == []


def test_a_built_package_ships_every_data_file(tmp_path):
    # a wheel (`pip install .`) holds what setuptools' build_py writes: build it and look
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    src = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for folder in {d.split("/")[0] for d in cfg["package-dir"].values()}:
        shutil.copytree(ROOT / folder, src / folder, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py",
                    "--build-lib", str(tmp_path / "lib")], cwd=src, check=True, capture_output=True)
    built = {p.relative_to(tmp_path / "lib").as_posix() for p in (tmp_path / "lib").rglob("*")
             if p.is_file() and p.suffix != ".py"}
    expected = set()
    for package, folder in cfg["package-dir"].items():
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts:
                expected.add(package.replace(".", "/") + "/" + path.relative_to(ROOT / folder).as_posix())
    assert expected - built == set()
    # and the presets load from the built copy, not from this tree
    script = "import kg.store.presets as m; print(m.__file__); print(len(m.presets()))"
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, check=True, text=True,
                         capture_output=True, env={**os.environ, "PYTHONPATH": str(tmp_path / "lib")})
    where, count = run.stdout.split()
    assert where.startswith(str(tmp_path / "lib")) and int(count) == len(list(
        (ROOT / "schemas" / "queries" / "presets").glob("*.rq"))) > 0
