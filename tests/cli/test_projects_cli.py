"""`eudesk projects import`: stores the files, reports throughput, and a second run changes nothing; a bad file is
one line naming file, line and field."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from eudesk.cli.main import app

HEADER = "projectID,projectAcronym,organisationID,name,activityType,city,country,order,role,ecContribution"


def flat(text: str) -> str:
    return " ".join(text.split())


def test_import_twice_and_a_bad_file(env: Path) -> None:
    f = env / "organization.csv"
    f.write_text("\n".join([HEADER, "1,A,900000001,Odense Kommune,PUB,Odense,DK,1,coordinator,10",
                            "1,A,900000002,Lund University,HES,Lund,SE,2,participant,5"]) + "\n")
    runner = CliRunner()
    first = runner.invoke(app, ["projects", "import", str(f)])
    assert first.exit_code == 0, first.output
    assert "1 new" in flat(first.output) and "rows/s" in first.output
    second = runner.invoke(app, ["projects", "import", str(f)])
    assert second.exit_code == 0 and "0 new, 0 changed, 1 unchanged" in flat(second.output)
    bad = env / "bad.csv"
    bad.write_text(HEADER + "\n1,A,notanid,X,PUB,Y,DK,1,participant,\n")
    third = runner.invoke(app, ["projects", "import", str(bad)])
    assert third.exit_code != 0
    assert "bad.csv line 2, field organisationID" in flat(str(third.exception) + third.output)
