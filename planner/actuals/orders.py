"""An order log as the domain reads it: one entry per order, already cleaned.

Readers (``files/``) turn a store's export into this: an order's calendar day in the store's
time zone (days since 1970-01-01, so any calendar arithmetic is numpy's), its customer as a
whole-number code (one code per customer, e-mails matched ignoring case and spaces before
coding), its amount in the store's currency. Cancelled, voided and refunded orders are not
entries; their days are kept apart, for the refund rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

# What a store's order statuses mean, in the words stores export them (Shopify, WooCommerce,
# Salla, Zid; English and Arabic), compared after lower-casing and trimming.
EXCLUDED_STATUSES = (
    "cancelled",
    "canceled",
    "voided",
    "void",
    "refunded",
    "wc-cancelled",
    "wc-refunded",
    "reversed",
    "returned",
    "ملغي",
    "ملغى",
    "ملغاة",
    "ملغية",
    "تم الإلغاء",
    "مسترد",
    "مستردة",
    "تم الاسترداد",
    "مسترجع",
    "مرتجع",
    "تم الاسترجاع",
)
"""Orders placed and then undone: left out of the log, counted for the refund rate."""
UNPAID_STATUSES = (
    "failed",
    "wc-failed",
    "pending payment",
    "wc-pending",
    "awaiting payment",
    "draft",
    "checkout-draft",
    "wc-checkout-draft",
    "بانتظار الدفع",
    "بإنتظار الدفع",
    "في انتظار الدفع",
    "لم يتم الدفع",
    "فشل الدفع",
    "مسودة",
)
"""Checkouts that never became orders: left out, counted only in ``unpaid_orders``."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class OrderLog:
    """Orders as parallel arrays (same length), in any order."""

    days: IntArray
    """Each order's day: days since 1970-01-01 in the store's time zone."""
    customers: IntArray
    """Each order's customer code (0..number of customers − 1)."""
    amounts: FloatArray
    """Each order's amount."""
    excluded_days: IntArray
    """The day of each order excluded as cancelled, voided or refunded."""
    channels: IntArray | None = None
    """Each order's channel code (index into ``channel_names``), when the log has channels."""
    channel_names: tuple[str, ...] = field(default=())
    segments: IntArray | None = None
    """Each order's segment code (index into ``segment_names``), when the log has segments."""
    segment_names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not len(self.days) == len(self.customers) == len(self.amounts):
            raise ValueError("days, customers and amounts must have one entry per order")
        for codes in (self.channels, self.segments):
            if codes is not None and len(codes) != len(self.days):
                raise ValueError("channels and segments must have one entry per order")
