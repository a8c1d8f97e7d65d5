"""A/B tests on a funnel step: size them, read them, and price the result into the plan (issue 8).

- ``arms``: what a test arm saw (visitors, conversions), validated as the plan file is.
- ``sizing``: the sample a test needs (two-sided z-test for two proportions, Fleiss), the
  days at the plan's traffic, and the smallest effect a given sample detects.
- ``analysis``: each variant against control (lift with intervals, z-test p-values, Holm),
  the Bayesian view with Beta(1, 1) priors, the sample-ratio-mismatch check, a verdict.
- ``sequential``: the always-valid mSPRT p-value, for teams that look before the end.
- ``revenue``: revenue per visitor with Welch's t-test, from per-visitor data.
- ``power``: what a planned test would show, by simulation.
"""
