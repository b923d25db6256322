"""The layers contract (pyproject.toml, [tool.importlinter]) holds: no app imports an app above it, so there is
no import cycle between apps (docs/adr/0003-layers-kernel-and-per-app-scoping.md). `make test` runs
`lint-imports` too; this puts the same check in every pytest run."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_app_imports_an_app_above_it():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_kernel_and_page_shell_are_the_bottom_layers():
    """access (the kernel) and core (the page shell) sit at the bottom, so the contract holds them to importing
    no domain app."""
    layers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]["layers"]
    assert layers[-2:] == ["access", "core"]
