"""Named benchmarks for `python -m bench`: each one measures something and returns a JSON-able dict.

Add a benchmark by decorating a function with `@benchmark("name")` in a module of this package and listing
the module in `bench.MODULES`; it receives the command's `BenchmarkOptions` and returns its results (the
command adds the database, date and versions).
A benchmark that writes data must leave none behind unless `options.keep` is set.
"""

import platform
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django
from django.db import connection, transaction
from django.utils import timezone

from children.models import Child
from synthetic.generator import generate


@dataclass(frozen=True)
class BenchmarkOptions:
    children: int = 20_000
    seed: int = 2026
    rows: int = 5_000  # rows of a file-import benchmark (police_import): 1,000,000 for the full run
    keep: bool = False  # commit what a benchmark writes instead of rolling it back
    report: Callable[[str], None] = print  # progress messages for the person running it


BenchmarkFunction = Callable[[BenchmarkOptions], dict[str, Any]]
BENCHMARKS: dict[str, BenchmarkFunction] = {}


def benchmark(name: str) -> Callable[[BenchmarkFunction], BenchmarkFunction]:
    def register(function: BenchmarkFunction) -> BenchmarkFunction:
        if name in BENCHMARKS:
            raise ValueError(f"A benchmark named {name!r} is already registered")
        BENCHMARKS[name] = function
        return function

    return register


def environment() -> dict[str, Any]:
    """Where a result was measured: kept with every result so figures are compared like for like."""
    return {
        "database_vendor": connection.vendor,
        "database_version": ".".join(str(part) for part in connection.get_database_version()),
        "date": timezone.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": platform.machine(),
    }


def run(name: str, options: BenchmarkOptions) -> dict[str, Any]:
    if name not in BENCHMARKS:
        raise KeyError(name)
    return {"benchmark": name, **BENCHMARKS[name](options), **environment()}


class Rollback(Exception):
    """Raised inside a benchmark's transaction to throw away what it wrote."""


@benchmark("generate")
def generate_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """Synthetic data generation into the configured database, rolled back afterwards by default."""
    existing = Child.objects.count()
    if existing:
        options.report(
            f"Note: the database already holds {existing:,} children; the benchmark adds to them "
            f"{'and keeps the result' if options.keep else 'inside a transaction it rolls back'}."
        )

    def progress(done: int, wanted: int) -> None:
        if done == wanted or done % 20_000 == 0:
            options.report(f"  generate: {done:,} of {wanted:,} children")

    try:
        with transaction.atomic():
            report = generate(options.children, options.seed, progress=progress)
            if not options.keep:
                raise Rollback
    except Rollback:
        pass
    return {**report.as_dict(), "existing_children": existing, "kept": options.keep}
