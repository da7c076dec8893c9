"""Excel export of a partner shortlist (openpyxl): suggestions with their figures, and the consortium."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from eudesk.partners.service import PartnerResult

SUGGESTION_HEADER = ("Rank", "Organisation", "Type", "Country", "City", "Population", "Score", "Fit", "Network",
                     "Experience", "Projects", "Coordinated", "Last project year", "Danish links",
                     "Fitting projects", "eudesk page")


def shortlist_xlsx(result: PartnerResult, *, base_url: str = "") -> bytes:
    """An .xlsx workbook with the suggestions, the consortium and the query, as bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Suggestions"
    ws.append(SUGGESTION_HEADER)
    for s in result.suggestions:
        o, r = s.organisation, s.raw
        ws.append([s.rank, o.name, o.activity_type, o.country, o.city, o.population, r.score, r.fit,  # type: ignore[attr-defined]
                   r.network, r.experience, r.projects, r.coordinated, r.last_year, s.danish_links,  # type: ignore[attr-defined]
                   "; ".join(f"{e.title} ({e.topic_code}, match {e.match:.2f})" for e in r.evidence),  # type: ignore[attr-defined]
                   f"{base_url}/organisations/{o.id}"])
    cons = wb.create_sheet("Consortium")
    cons.append(("Organisation", "Type", "Country", "Why"))
    if result.consortium:
        for m in result.consortium.members:
            cons.append((m.organisation.name, m.organisation.activity_type, m.organisation.country,
                         "; ".join(m.reason_texts)))
        cons.append(())
        cons.append(("Rule", result.consortium.rule))
        cons.append(("Satisfied", "yes" if result.consortium.satisfied else f"no: {result.consortium.missing_text}"))
    q = wb.create_sheet("Query")
    for row in (("Text", result.query.text), ("Call", result.query.call), ("Call title", result.call_title),
                ("Types", ", ".join(result.query.types)), ("Countries", ", ".join(result.query.countries)),
                ("Comparable city size", "yes" if result.query.comparable_size else "no"),
                ("Has coordinated", "yes" if result.query.coordinated else "no"),
                ("Data", "© European Union, CORDIS, CC BY 4.0; Erhvervsstyrelsen")):
        q.append(row)
    for sheet in (ws, cons, q):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, col in enumerate(sheet.columns, start=1):
            width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
