"""`python -m mlopsctl.cost --write-readme | --check-readme`: the README's cost table."""

from __future__ import annotations

import argparse

from mlopsctl.cost.readme import current_block, readme_path, render, write_readme


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write-readme", action="store_true", help="update README.md in place")
    group.add_argument(
        "--check-readme", action="store_true", help="exit 1 when README's cost table is stale"
    )
    args = parser.parse_args()
    if args.write_readme:
        changed = write_readme()
        print(f"{readme_path()}: cost table {'rewritten' if changed else 'already up to date'}")
        return 0
    if args.check_readme:
        stale = current_block(readme_path().read_text()) != render()
        print(
            "README cost table is stale: run python -m mlopsctl.cost --write-readme"
            if stale
            else "README cost table is up to date"
        )
        return 1 if stale else 0
    print(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
