"""The wheel must carry every subpackage, the prompts and the demo seed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "k8sgpt_py").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools].packages: {sorted(found - listed)}"


def test_importing_the_cli_loads_no_heavy_package():
    import subprocess
    import sys

    code = (
        "import sys, k8sgpt_py.cli; heavy = ('langchain', 'langchain_core', 'kubernetes',"
        " 'sklearn', 'pulp', 'statsmodels', 'openai', 'aiohttp'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
