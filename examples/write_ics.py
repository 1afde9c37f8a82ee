"""Write the worked example's deadlines to an .ics file: python examples/write_ics.py [FILE]."""

from __future__ import annotations

import sys
from pathlib import Path

import permitcal


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "permit.ics")
    data = permitcal.ics_bytes(
        issued="2023-06-01",
        card_received="2024-05-20",
        changes=["employer"],
        lang="both",
    )
    target.write_bytes(data)
    for deadline in permitcal.compute_deadlines(issued="2023-06-01", card_received="2024-05-20"):
        print(deadline.date, deadline.rule, deadline.title.en)
    print(f"wrote {len(data)} bytes to {target}")


if __name__ == "__main__":
    main()
