"""Tasks: the administration's project ideas, their matches to EU calls, and the feedback on those matches."""
