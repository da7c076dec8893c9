"""Where tasks come from besides forms and uploads: the bundled demo set."""
