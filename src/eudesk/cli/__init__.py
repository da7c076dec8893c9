"""The `eudesk` command line: thin over the domain services."""
