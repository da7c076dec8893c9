"""eudesk: an international office in a box for municipalities."""

__version__ = "0.1.0"
