"""Small pure helpers shared by every domain; imports nothing else from eudesk."""
