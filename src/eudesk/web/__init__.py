"""The web app: FastAPI + Jinja2 + htmx, thin over the domain services."""
