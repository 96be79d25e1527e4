"""Numbers from results: pure data preparation for the figures, tables and reports.

Nothing here draws, prints or writes. Every function takes results (a
:class:`~escalation_sim.store.results.Results` or plain DataFrames) and returns
numbers or DataFrames, each with its uncertainty:

* proportions with Wilson 95% intervals (``stats``; the headline numbers in ``summary``);
* time to the first incident as a Kaplan-Meier estimate, right-censored at
  the horizon, with a log-log (Kalbfleisch-Prentice) Greenwood band (``survival``);
* daily fan-chart bands read from the stored daily quantiles, and the daily
  rung distribution from the exact daily rung counts (``daily``);
* paired differences between scenarios run with common random numbers, with a
  paired bootstrap percentile interval, and the paired tests the article's
  claims are judged by (``paired``, ``claims``);
* Sobol or Morris sensitivity indices (SALib) of the per-design-point means,
  with the share of their variance that replication noise alone would produce
  (``sensitivity``).
"""
