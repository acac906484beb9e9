"""Regression: a non-editable install once missed kg/extract/data/heads.json.

Every data file of a package must be covered by its package-data patterns, or
`pip install .` ships a kg that fails at run time.
"""

import fnmatch
import tomllib

from conftest import ROOT


def test_every_data_file_is_package_data():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    dirs = cfg["package-dir"]
    patterns = cfg["package-data"]
    missing = []
    for package in cfg["packages"]:
        folder = ROOT / dirs.get(package, package.replace(".", "/"))
        subpackages = {ROOT / dirs.get(p, p.replace(".", "/")) for p in cfg["packages"] if p != package}
        for path in folder.rglob("*"):
            if (not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts
                    or any(sp in path.parents for sp in subpackages if folder in sp.parents)):
                continue
            rel = path.relative_to(folder).as_posix()
            if not any(fnmatch.fnmatch(rel, pat) for pat in patterns.get(package, [])):
                missing.append(f"{package}: {rel}")
    assert missing == []
