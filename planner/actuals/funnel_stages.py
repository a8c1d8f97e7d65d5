"""Which funnel stages the dashboard reads, in which order, and which is the cart.

Stages follow the plan's order (``stage_names``); stages the funnel actuals track but the plan
doesn't name come after, in the actuals' own order. Each stage converts from the stage before
it *among those tracked*, so a funnel that skips a plan stage shows the combined rate.

Cart abandonment needs a cart stage and the completed purchases after it. The caller may name
the cart, checkout and purchase stages; otherwise they are found by keywords in English and
Arabic, matched ignoring case, spaces, hyphens and underscores:

- cart: ``cart``, ``basket``, ``سلة`` (the first such stage);
- checkout: ``checkout``, ``الدفع`` (the first such stage after the cart);
- purchase: ``purchase``, ``order``, ``شراء``, ``طلب`` (the last such stage after the cart, not
  itself a cart or a checkout: the deepest completed step).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CART_WORDS = ("cart", "basket", "سلة")
CHECKOUT_WORDS = ("checkout", "الدفع")
PURCHASE_WORDS = ("purchase", "order", "شراء", "طلب")


@dataclass(frozen=True)
class CartStages:
    """The stages cart abandonment reads (None where the funnel has none)."""

    cart: str | None = None
    checkout: str | None = None
    purchase: str | None = None


def ordered_stages(tracked: Iterable[str], stage_names: Sequence[str]) -> list[str]:
    """The tracked stages in the plan's order, then any others in their own order."""
    tracked = list(tracked)
    known = set(tracked)
    in_plan = [name for name in dict.fromkeys(stage_names) if name in known]
    return in_plan + [name for name in tracked if name not in set(in_plan)]


def _normal(name: str) -> str:
    return "".join(name.casefold().split()).replace("-", "").replace("_", "")


def _says(name: str, words: Sequence[str]) -> bool:
    text = _normal(name)
    return any(word in text for word in words)


def find_cart_stages(
    stages: Sequence[str],
    cart: str | None = None,
    checkout: str | None = None,
    purchase: str | None = None,
) -> CartStages:
    """The cart, checkout and purchase stages: those given, else found by keyword."""
    if cart is None:
        cart = next(
            (
                name
                for name in stages
                if _says(name, CART_WORDS) and not _says(name, CHECKOUT_WORDS)
            ),
            None,
        )
    if cart is None:
        return CartStages(checkout=checkout, purchase=purchase)
    after = list(stages[stages.index(cart) + 1 :]) if cart in stages else []
    if purchase is None:
        purchase = next(
            (
                name
                for name in reversed(after)
                if _says(name, PURCHASE_WORDS)
                and not _says(name, CART_WORDS + CHECKOUT_WORDS)
                and name != checkout
            ),
            None,
        )
    if checkout is None:
        before_purchase = after[: after.index(purchase)] if purchase in after else after
        checkout = next((name for name in before_purchase if _says(name, CHECKOUT_WORDS)), None)
    return CartStages(cart=cart, checkout=checkout, purchase=purchase)
