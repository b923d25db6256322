"""`python -m bench --out bench-results [--only NAME ...]`: run the named benchmarks, one JSON file each.

A Django command class, run by `bench.__main__` rather than by manage.py: the benchmarks live outside
INSTALLED_APPS, so nothing of theirs ships inside the apps a request runs."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench import load_benchmarks
from bench.registry import BENCHMARKS, BenchmarkOptions, run
from synthetic.management.commands.generate_synthetic import refuse_in_production


class Command(BaseCommand):
    help = "Run Homeward's benchmarks against the configured database and write one JSON result per benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="bench-results", help="Directory for the JSON results")
        parser.add_argument(
            "--only", action="append", metavar="NAME", help="Run only this benchmark (repeatable); see --list"
        )
        parser.add_argument("--list", action="store_true", help="List the benchmarks and stop")
        parser.add_argument("--children", type=int, default=20_000, help="Children to generate (default 20,000)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--rows", type=int, default=5_000, help="Rows of a file-import benchmark (police_import; default 5,000)"
        )
        parser.add_argument(
            "--keep", action="store_true", help="Keep the data benchmarks write (default: roll it back)"
        )

    def handle(self, *args, **options) -> None:
        load_benchmarks()
        if options["list"]:
            for name, function in BENCHMARKS.items():
                self.stdout.write(f"{name}: {(function.__doc__ or '').strip().splitlines()[0]}")
            return
        refuse_in_production("run benchmarks")
        if options["children"] < 1:
            raise CommandError(f"--children must be 1 or more (got {options['children']}).")
        names = options["only"] or list(BENCHMARKS)
        unknown = [name for name in names if name not in BENCHMARKS]
        if unknown:
            raise CommandError(f"Unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}.")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        bench_options = BenchmarkOptions(
            children=options["children"],
            seed=options["seed"],
            rows=options["rows"],
            keep=options["keep"],
            report=self.stdout.write,
        )
        for name in names:
            self.stdout.write(f"Running {name}…")
            result = run(name, bench_options)
            path = out / f"{name}.json"
            path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            summary = (
                f"{name}: {result.get('rows_per_second', 0):,.0f} rows per second"
                if "rows_per_second" in result
                else name
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{summary} on {result['database_vendor']} {result['database_version']}; wrote {path}"
                )
            )
