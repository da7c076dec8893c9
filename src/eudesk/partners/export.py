"""Excel export of a partner shortlist (openpyxl): suggestions with their figures, and the consortium."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from eudesk.partners.service import PartnerResult

SUGGESTION_HEADER = ("Rank", "Organisation", "Type", "Country", "City", "Population", "Score", "Fit", "Network",
                     "Experience", "Projects", "Coordinated", "Last project year", "Danish links",
                     "Fitting projects", "eudesk page")


def _english(msgid: str, /, **params: object) -> str:
    return msgid % params if params else msgid


def shortlist_xlsx(result: PartnerResult, *, base_url: str = "", gettext: Callable[..., str] = _english,
                   type_labels: Mapping[str, str] | None = None) -> bytes:
    """An .xlsx workbook with the suggestions, the consortium and the query, as bytes; headers, sheet names,
    reasons and yes/no in the language of `gettext` (the page's), English without one."""
    _ = gettext
    labels = type_labels or {}

    def kind(code: str) -> str:
        return _(labels[code]) if code in labels else code

    yes, no = _("yes"), _("no")
    wb = Workbook()
    ws = wb.active
    ws.title = _("Suggestions")
    ws.append([_(h) for h in SUGGESTION_HEADER])
    for s in result.suggestions:
        o, r = s.organisation, s.raw
        ws.append([s.rank, o.name, kind(o.activity_type), o.country, o.city, o.population, r.score, r.fit,  # type: ignore[attr-defined]
                   r.network, r.experience, r.projects, r.coordinated, r.last_year, s.danish_links,  # type: ignore[attr-defined]
                   "; ".join(_("%(title)s (%(code)s, match %(match)s)", title=e.title, code=e.topic_code,
                               match=f"{e.match:.2f}") for e in r.evidence),  # type: ignore[attr-defined]
                   f"{base_url}/organisations/{o.id}"])
    cons = wb.create_sheet(_("Consortium"))
    cons.append((_("Organisation"), _("Type"), _("Country"), _("Why")))
    if result.consortium:
        c = result.consortium
        for m in c.members:
            cons.append((m.organisation.name, kind(m.organisation.activity_type), m.organisation.country,
                         "; ".join(_(msg, **params) for msg, params in m.reasons)))
        cons.append(())
        cons.append((_("Rule"), _(c.rule)))
        cons.append((_("Satisfied"), yes if c.satisfied else f"{no}: {_(c.missing, n=c.countries) if c.missing else ''}"))
    q = wb.create_sheet(_("Query"))
    for row in ((_("Text"), result.query.text), (_("Call"), result.query.call), (_("Call title"), result.call_title),
                (_("Types"), ", ".join(kind(t) for t in result.query.types)),
                (_("Countries"), ", ".join(result.query.countries)),
                (_("Comparable city size"), yes if result.query.comparable_size else no),
                (_("Has coordinated"), yes if result.query.coordinated else no),
                (_("Data"), "© European Union, CORDIS, CC BY 4.0; Erhvervsstyrelsen")):
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
