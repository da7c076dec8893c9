"""Sources of call topics: the bundled snapshot and the live portal."""
