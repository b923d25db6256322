"""`python -m bench [--list] [--only NAME ...] [--children N] [--out DIR]`: run the benchmarks."""

import os
import sys

import django


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings")
    django.setup()
    from bench.command import Command

    Command().run_from_argv(["python -m bench", "bench", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
