"""Money: EUR and the DKK peg."""

from __future__ import annotations

# ERM II central rate (domain.md): the krone is pegged to the euro.
DKK_PER_EUR = 7.46038


def eur_to_dkk(amount_eur: float) -> float:
    """EUR converted to DKK at the ERM II central rate."""
    return amount_eur * DKK_PER_EUR
