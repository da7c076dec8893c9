"""Past EU projects from open data (CORDIS, Danish structural-fund lists): import, browse, knowledge search."""
