"""Summarise the committed `augkit experiment` studies into one Markdown table.

Reads experiments/results/<study>/experiment.csv and experiment.json (written by
`experiments/studies.sh`), writes experiments/results/SUMMARY.md and, with --readme, puts the
same table into README.md between its `<!-- experiments:start -->` and
`<!-- experiments:end -->` markers. Every number comes from those files.

    python scripts/experiment_summary.py --readme
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
START, END = "<!-- experiments:start -->", "<!-- experiments:end -->"


def _verdict(row: dict[str, str]) -> str:
    if row["significant"] != "True":
        return "no significant difference"
    return "**gain**" if float(row["diff"]) > 0 else "**loss**"


def table() -> str:
    lines = ["| study | n_train | arm | accuracy | Δ vs none, points [corrected 95 % interval] "
             "| W/T/L | verdict |", "|---|---|---|---|---|---|---|"]
    studies = sorted(p.parent for p in RESULTS.glob("*/experiment.csv"))
    for folder in studies:
        with open(folder / "experiment.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            score = f"{float(row['mean']):.1%} ± {float(row['std']):.1%}"
            if row["arm"] == "none":
                lines.append(f"| {folder.name} | {row['n_train']} | none | {score} | "
                             "(baseline) | | |")
                continue
            delta = (f"{float(row['diff']) * 100:+.1f} [{float(row['ci_low']) * 100:+.1f}, "
                     f"{float(row['ci_high']) * 100:+.1f}]")
            lines.append(f"| {folder.name} | {row['n_train']} | {row['arm']} | {score} | "
                         f"{delta} | {row['wins']}/{row['ties']}/{row['losses']} | "
                         f"{_verdict(row)} |")
    verdicts = [line.rsplit("|", 2)[-2].strip() for line in lines[2:]
                if "(baseline)" not in line]
    gains, losses = verdicts.count("**gain**"), verdicts.count("**loss**")
    neither = len(verdicts) - gains - losses
    lines += ["", f"{len(verdicts)} arm x size comparisons in {len(studies)} studies: {gains} "
              f"significant gain(s), {losses} significant loss(es), {neither} without a "
              "significant difference (corrected intervals).", "",
              "Commands (each study's experiment.json and report hold its own):", ""]
    for folder in studies:
        command = json.loads((folder / "experiment.json").read_text())["command"]
        lines.append(f"- `{folder.name}`: `{command}`")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="also update README.md")
    args = parser.parse_args()
    text = table()
    (RESULTS / "SUMMARY.md").write_text("# augkit experiment: every committed study\n\n"
                                        + text, encoding="utf-8")
    if args.readme:
        readme = ROOT / "README.md"
        page = readme.read_text(encoding="utf-8")
        head, rest = page.split(START, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
