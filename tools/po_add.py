"""Add or update entries of a catalogue: `tools/po_add.py CATALOGUE.po 'English' 'Dansk' ...` (pairs)."""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def main(argv: list[str]) -> int:
    path, pairs = argv[0], argv[1:]
    if not pairs or len(pairs) % 2:
        print(__doc__)
        return 2
    with open(path, "rb") as fh:
        cat = read_po(fh)
    for msgid, msgstr in zip(pairs[::2], pairs[1::2], strict=True):
        cat.add(msgid, msgstr)
    with open(path, "wb") as fh:
        write_po(fh, cat, width=120, include_lineno=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
