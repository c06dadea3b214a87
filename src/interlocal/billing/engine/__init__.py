"""The charge engine: chargeback of a shared service's cost to its participants, exact to the cent.

Pure (no Django imports). `compute(data)` takes the JSON input shape of `interlocal charges
compute` and returns its output shape; the billing app uses the typed pieces directly
(`Billing`, `charge`, `Charges`, `apportion`, `days_inside`). See docs/billing.md.
"""

from .arithmetic import (
    Apportionment,
    apportion,
    apportion_integers,
    base_cents,
    cents_text,
    days_inside,
    integer_numerators,
    round_half_even,
)
from .model import BASIS, RULES, Billing, InputError, Participant, Period, Rule
from .parse import parse_billing
from .rules import Charge, Charges, charge, compute

__all__ = [
    "BASIS",
    "RULES",
    "Apportionment",
    "Billing",
    "Charge",
    "Charges",
    "InputError",
    "Participant",
    "Period",
    "Rule",
    "apportion",
    "apportion_integers",
    "base_cents",
    "cents_text",
    "charge",
    "compute",
    "days_inside",
    "integer_numerators",
    "parse_billing",
    "round_half_even",
]
