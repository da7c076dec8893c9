"""EU calls (Funding & Tenders Portal topics): catalogue, sync, changes, deadlines."""
