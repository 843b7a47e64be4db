#!/usr/bin/env python3
"""Regenerate data/areas/vn-2025.csv from the PyPI package `vietnam-provinces`.

    python3 data/areas/regenerate.py [--version 2025.10.1] [--out data/areas/vn-2025.csv]

The package is downloaded by pip into a temporary directory (nothing is installed), its
`vietnam_provinces/data/nested-divisions.json` is read, checked, and written as CSV:

    code,name,type,level,parent,valid_from,valid_to,successor

Checks (the script fails, writing nothing, if one does not hold):
  - 34 provinces (2-digit codes) and 3,321 commune-level units (5-digit codes);
  - 13 đặc khu, and every unit is a xã, phường or đặc khu;
  - every code unique, every unit under a province of the list, every name non-empty and
    free of commas and quotes (the CSV has no quoting).
The split between xã and phường is compared with the totals Decision 19/2025/QĐ-TTg is
reported to give (2,636 xã, 672 phường); a difference is printed, not hidden and not
"corrected": see data/areas/README.md.
"""

import argparse
import collections
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

VALID_FROM = "2025-07-01"
PROVINCES = 34
UNITS = 3321
SPECIAL_ZONES = 13
# As the issue quotes Decision 19/2025/QĐ-TTg; compared, not enforced (see the README).
DECISION_SPLIT = {"xã": 2636, "phường": 672, "đặc khu": 13}
PROVINCE_TYPES = {"tỉnh": "Tỉnh", "thành phố trung ương": "Thành phố"}
UNIT_TYPES = {"xã": "Xã", "phường": "Phường", "đặc khu": "Đặc khu"}


def download(version: str, into: pathlib.Path) -> pathlib.Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--only-binary", ":all:", f"vietnam-provinces=={version}", "-d", str(into)],
        check=True,
    )
    wheels = sorted(into.glob("vietnam_provinces-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one wheel, found {wheels}")
    return wheels[0]


def official_name(name: str, word: str) -> str:
    """The unit's full official name, its type word first ("Tỉnh Cao Bằng")."""
    return name if name.startswith(word + " ") else f"{word} {name}"


def rows_of(divisions: list) -> list:
    problems = []
    rows = []
    codes = collections.Counter()
    for province in divisions:
        kind = province["division_type"]
        if kind not in PROVINCE_TYPES:
            problems.append(f"province {province['code']}: unknown type {kind!r}")
            continue
        code = f"{province['code']:02d}"
        codes[code] += 1
        rows.append((code, official_name(province["name"], PROVINCE_TYPES[kind]), kind,
                     "province", ""))
        for unit in province["wards"]:
            kind = unit["division_type"]
            if kind not in UNIT_TYPES:
                problems.append(f"unit {unit['code']}: unknown type {kind!r}")
                continue
            unit_code = f"{unit['code']:05d}"
            codes[unit_code] += 1
            rows.append((unit_code, official_name(unit["name"], UNIT_TYPES[kind]), kind,
                         "commune", code))
    problems += [f"code {code} appears {n} times" for code, n in codes.items() if n > 1]
    for row in rows:
        if len(row[0]) not in (2, 5) or not row[0].isdigit():
            problems.append(f"code {row[0]} is not 2 or 5 digits")
        if not row[1].strip() or any(c in row[1] for c in ',"\n\r'):
            problems.append(f"unit {row[0]}: empty name, or a comma or quote in it")
    provinces = {row[0] for row in rows if row[3] == "province"}
    problems += [f"unit {row[0]}: parent {row[4]} is not a province of the list"
                 for row in rows if row[3] == "commune" and row[4] not in provinces]
    split = collections.Counter(row[2] for row in rows if row[3] == "commune")
    if len(provinces) != PROVINCES:
        problems.append(f"{len(provinces)} provinces, not {PROVINCES}")
    if sum(split.values()) != UNITS:
        problems.append(f"{sum(split.values())} commune-level units, not {UNITS}")
    if split["đặc khu"] != SPECIAL_ZONES:
        problems.append(f"{split['đặc khu']} đặc khu, not {SPECIAL_ZONES}")
    if problems:
        sys.exit("the list fails its checks:\n  " + "\n  ".join(problems))
    return rows, split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--version", default="2025.10.1")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).with_name("vn-2025.csv")))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download(args.version, pathlib.Path(tmp))
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        with zipfile.ZipFile(wheel) as archive:
            divisions = json.loads(
                archive.read("vietnam_provinces/data/nested-divisions.json").decode("utf-8"))
    rows, split = rows_of(divisions)
    rows.sort(key=lambda row: (row[4] or row[0], row[3] != "province", row[0]))
    lines = ["code,name,type,level,parent,valid_from,valid_to,successor"]
    lines += [f"{code},{name},{kind},{level},{parent},{VALID_FROM},," for
              code, name, kind, level, parent in rows]
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(rows)} rows from {wheel.name} (sha256 {digest})")
    print(f"checked: {PROVINCES} provinces, {UNITS} commune-level units, codes unique, "
          f"every unit under a province")
    print("split: " + ", ".join(f"{n} {kind}" for kind, n in sorted(split.items())))
    differences = {kind: (split[kind], n) for kind, n in DECISION_SPLIT.items()
                   if split[kind] != n}
    for kind, (found, decision) in sorted(differences.items()):
        print(f"DIFFERS from the Decision's reported split: {found} {kind}, "
              f"the Decision {decision} ({found - decision:+d})", file=sys.stderr)


if __name__ == "__main__":
    main()
