"""The retrieval engine: pure (text in, ranked ids and explanations out); imports no ORM and no web."""
