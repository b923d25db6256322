"""Homeward's benchmarks and yardsticks: outside INSTALLED_APPS, run with `python -m bench` (`make bench`).

Nothing in the apps imports this package (the layers contract in pyproject.toml puts it on top), so the
benchmark-only dependencies (requirements-bench.txt: pandas, pyarrow, DuckDB) and any trick a measurement
needs never reach a request.
"""

from importlib import import_module

# The modules that register benchmarks (`bench.registry.benchmark`), besides the registry's own `generate`.
MODULES = (
    "bench.child_page",
    "bench.dashboard",
    "bench.inbox",
    "bench.network",
    "bench.partnership",
    "bench.police_import",
    "bench.returns",
)


def load_benchmarks() -> None:
    """Import every module that registers benchmarks."""
    for module in MODULES:
        import_module(module)
