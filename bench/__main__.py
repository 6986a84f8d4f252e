"""`python -m bench [--size full|quick|tiny]`: the harness (bench.harness);
`python -m bench <area> …` runs one area's own benchmark (campaigns, segments, tracking,
analytics, imports, webpush, contacts)."""
import sys
from importlib import import_module

from bench import harness


def main() -> None:
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        # `python -m bench segments --contacts 100000`: one area's benchmark on its own.
        return import_module(f"bench.{sys.argv.pop(1)}").main()
    return harness.main()


if __name__ == "__main__":
    main()
