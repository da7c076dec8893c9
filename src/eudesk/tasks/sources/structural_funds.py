"""Build the bundled demo tasks from Denmark's structural-fund project lists (2007-2013 and 2014-2020).

``python -m eudesk.tasks.sources.structural_funds SHARED_DATA_DIR OUT.csv`` keeps the projects whose beneficiary
(lead) is a municipality (kommune), repairs the mis-encoded characters it can, and assigns each project to one of
Odense's five departments by a transparent keyword rule (DEPARTMENT_KEYWORDS: most keyword hits wins, title hits
count double, ties go to the department listed first, no hit means the mayor's department, which holds business
and growth).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from eudesk.core.text import fix_text, normalise_whitespace
from eudesk.tasks.importers import write_tasks_csv
from eudesk.tasks.schemas import TaskIn

FILE_2007 = "structural_funds_2007-2013.csv"
FILE_2014 = "structural_funds_2014-2020.csv"

# Danish word stems per department (domain.md); matched at word starts, case-insensitive.
DEPARTMENT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "Ældre- og Handicapforvaltningen": (
        "ældre", "senior", "handicap", "sundhed", "sygdom", "velfærdsteknolog", "pleje", "rehabilit", "helse",
        "demens", "hjemmehjælp", "patient", "adhd", "sund",
    ),
    "Børn- og Ungeforvaltningen": (
        "børn", "unge", "ungdom", "skole", "elev", "dagtilbud", "daginstitution", "kids", "tweens", "ungeindsats",
        "ungeguide", "uddannelsesparat", "parat til uddannelse",
    ),
    "Beskæftigelses- og Socialforvaltningen": (
        "beskæftigelse", "ledig", "job", "arbejdsmarked", "integration", "etnisk", "indvandrer", "flygtning",
        "sygefravær", "udsat", "social", "kontanthjælp", "fastholdelse", "arbejdskraft", "revalidering",
        "arbejdsliv",
    ),
    "By- og Kulturforvaltningen": (
        "energi", "klima", "miljø", "affald", "spildevand", "byggeri", "byggeaffald", "renovering", "bygning",
        "kultur", "turis", "destination", "oplevelse", "natur", "transport", "mobilitet", "grøn", "bioenergi",
        "fjernvarme", "vind", "ressource", "symbiose", "havn", "biofuel", "brint", "byudvikling",
    ),
    "Borgmesterforvaltningen": (
        "vækst", "erhverv", "iværksæt", "innovation", "klynge", "virksomhed", "digital", "ikt", "ict",
        "smv", "forretning", "investering",
    ),
}
DEFAULT_DEPARTMENT = "Borgmesterforvaltningen"
_PATTERNS = {dep: re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in kws) + r")", re.IGNORECASE)
             for dep, kws in DEPARTMENT_KEYWORDS.items()}


def assign_department(title: str, description: str) -> tuple[str, list[str]]:
    """The department whose keywords occur most (title hits count double), with the keywords found."""
    best, best_score, best_words = DEFAULT_DEPARTMENT, 0, []
    for dep, pattern in _PATTERNS.items():
        t = [m.group(1).lower() for m in pattern.finditer(title)]
        d = [m.group(1).lower() for m in pattern.finditer(description)]
        score = 2 * len(t) + len(d)
        if score > best_score:
            best, best_score, best_words = dep, score, list(dict.fromkeys(t + d))
    return best, best_words


# '¿' stands for a character the export could not encode: an apostrophe inside a word (MMV¿er), a dash between
# spaces, and quotation marks around a phrase.
_APOS = re.compile(r"(?<=\w)¿(?=(?:er|en|erne|ernes|s|ens)\b)")
_DASH = re.compile(r"\s¿\s")
_OPEN = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[(:]))¿(?=\w)")
_CLOSE = re.compile(r"(?<=[\w.!?])¿")


def repair(text: str) -> str:
    """Text with mojibake fixed and the '¿' placeholders turned back into apostrophes, dashes or quotes."""
    text = fix_text(text or "")
    text = _APOS.sub("'", text)
    text = _DASH.sub(" – ", text)
    text = _OPEN.sub("“", text)
    text = _CLOSE.sub("”", text)
    text = text.replace("¿", "")  # leftovers
    text = re.sub(r"'{2,}", "'", text)  # the export doubled apostrophes, some many times over ('best practice')
    # sentences glued by the export ("...øget vækst.Projektet ...")
    text = re.sub(r"(?<=[a-zæøå][.!?])(?=[A-ZÆØÅ][a-zæøå])", " ", text)
    return normalise_whitespace(text)


def _date(value: str) -> dt.date | None:
    m = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", (value or "").strip())
    return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None


def _amount(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if "," in value:  # 2007-2013: "32467,02" (decimal comma)
        return int(round(float(value.replace(".", "").replace(",", "."))))
    return int(value.replace(".", ""))  # 2014-2020: "15.414.794" (thousands dots)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def read_projects(data_dir: Path) -> list[dict[str, str]]:
    """Municipality-led projects of both files in one layout (title, dates, budget, description, lead, theme)."""
    out: list[dict[str, str]] = []
    for r in _rows(data_dir / "denmark" / FILE_2007):
        out.append({"title": r["projekttitel"], "start": r["start_dato"], "end": r["slut_dato"],
                    "budget": r["budget"], "description": r["tas_projekt_besk"], "lead": r["navn"],
                    "theme": r["Indsatsområde"]})
    for r in _rows(data_dir / "denmark" / FILE_2014):
        axis = r["Prioritetsakse / Priority axis"].split("\n")[0]
        out.append({"title": r["Projektitel / Operation name"], "start": r["Startdato / Operation start date"],
                    "end": r["Slutdato / Operation end date"], "budget": r["Budget / Budget"],
                    "description": r["Projektbeskrivelse"], "lead": r["Kontraktansvarlig partner / Beneficiary name"],
                    "theme": re.sub(r"^\d+\s*", "", axis)})
    return [p for p in out if "kommune" in p["lead"].lower()]


def build_tasks(projects: Iterable[dict[str, str]]) -> list[TaskIn]:
    """One demo task per distinct municipality-led project (a project listed twice is kept once)."""
    seen: set[tuple[str, str]] = set()
    tasks: list[TaskIn] = []
    for p in projects:
        title = repair(p["title"]).strip(' "')
        key = (title.lower(), p["lead"].strip().lower())
        description = repair(p["description"])
        if key in seen or len(description.split()) < 3:
            continue
        seen.add(key)
        department, _words = assign_department(title, description)
        tasks.append(TaskIn(
            title=title, description=description, department=department, office="",
            contact=p["lead"].strip(), amount=_amount(p["budget"]), currency="DKK",
            start_date=_date(p["start"]), end_date=_date(p["end"]),
            themes=[repair(p["theme"])] if p["theme"].strip() else [], status="new", language="da",
        ))
    return tasks


def main(argv: list[str] | None = None) -> int:
    """Write the demo tasks CSV from the shared data folder."""
    parser = argparse.ArgumentParser(prog="python -m eudesk.tasks.sources.structural_funds", description=__doc__)
    parser.add_argument("data_dir", type=Path, help="the shared data folder (holds denmark/)")
    parser.add_argument("out", type=Path, help="output CSV (src/eudesk/data/tasks/demo_tasks.csv)")
    args = parser.parse_args(argv)
    tasks = build_tasks(read_projects(args.data_dir))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        write_tasks_csv(tasks, fh)  # type: ignore[arg-type]
    print(f"{len(tasks)} tasks -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
