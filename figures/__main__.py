"""python -m figures [--check] [NAME ...]: regenerate the bank's SVGs, or check them."""

import sys

from . import NOISY, OUT_DIR, REGISTRY, load_all, render, same_drawing


def main(argv: list[str]) -> int:
    check = "--check" in argv
    names = [a for a in argv if a != "--check"]
    load_all()
    unknown = set(names) - set(REGISTRY)
    if unknown:
        print(f"unknown figures: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stale = []
    for name in names or sorted(REGISTRY):
        path = OUT_DIR / f"{name}.svg"
        svg = render(name)
        if path.exists() and (same_drawing(path.read_bytes(), svg) or (check and name in NOISY)):
            continue
        stale.append(name)
        if not check:
            path.write_bytes(svg)
    verb = "differ from the script" if check else "written"
    for name in stale:
        print(f"{verb}: {name}.svg")
    print(f"{len(names or REGISTRY)} figures; {len(stale)} {verb}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
