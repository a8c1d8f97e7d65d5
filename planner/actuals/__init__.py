"""What actually happened, against the plan (issue 9).

- ``orders``: an order log as arrays (one entry per order: its day, its customer, its amount),
  the orders excluded as cancelled or refunded counted beside it.
- ``kpis``: the log aggregated per day, week, month or quarter: orders, revenue, customers,
  new (first order ever in that period) and returning customers, order value, refund rate.
"""
