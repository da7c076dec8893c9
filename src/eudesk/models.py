"""Imports every domain's ORM models so that Base.metadata knows all tables (used by Alembic and tests)."""

from eudesk.calls import models as calls_models  # noqa: F401
from eudesk.db import state as db_state  # noqa: F401
from eudesk.partners import models as partners_models  # noqa: F401
from eudesk.projects import models as projects_models  # noqa: F401
from eudesk.tasks import models as tasks_models  # noqa: F401
