"""The demo tasks builder: repairs of the export's '¿' and the keyword rule that assigns departments."""

from __future__ import annotations

from pathlib import Path

import pytest

from eudesk.tasks.sources.structural_funds import assign_department, build_tasks, read_projects, repair


@pytest.mark.parametrize(("raw", "fixed"), [
    ("antallet af MMV¿er i vækst", "antallet af MMV'er i vækst"),
    ("Hanstholm. ¿ fastlæggelse", "Hanstholm. – fastlæggelse"),
    ("projektet ¿Etnisk Erhvervsfremme¿ har", "projektet “Etnisk Erhvervsfremme” har"),
    ("Kids'' and Tweens'' Lifestyle", "Kids' and Tweens' Lifestyle"),
    ("implementere ''''''''''''''''best practice''''''''''''''''", "implementere 'best practice'"),
    ("øget vækst.Projektet medvirker", "øget vækst. Projektet medvirker"),
])
def test_repair(raw: str, fixed: str) -> None:
    assert repair(raw) == fixed


@pytest.mark.parametrize(("title", "description", "department"), [
    ("Senior Styrken", "Ældre medarbejdere og sundhed", "Ældre- og Handicapforvaltningen"),
    ("Ungeindsats Himmerland", "Unge uden uddannelse skal i skole", "Børn- og Ungeforvaltningen"),
    ("Brobygning til arbejdsmarkedet", "Ledige kommer i job", "Beskæftigelses- og Socialforvaltningen"),
    ("Smart Spildevand", "Energi og klima i rensningsanlæg", "By- og Kulturforvaltningen"),
    ("Huset Venture", "Iværksættere og virksomheder", "Borgmesterforvaltningen"),
    ("Projekt X", "Intet af det ovenstående", "Borgmesterforvaltningen"),
])
def test_department_rule(title: str, description: str, department: str) -> None:
    assert assign_department(title, description)[0] == department


def test_only_municipality_led_projects_once_each(shared_dir: Path) -> None:
    projects = read_projects(shared_dir / "data")
    assert len(projects) == 90 and all("kommune" in p["lead"].lower() for p in projects)
    tasks = build_tasks(projects)
    assert len(tasks) == 86  # four projects are listed twice
    assert len({(t.title, t.contact) for t in tasks}) == len(tasks)
