"""The model: rules, agents, the day's schedule, randomness and the records it keeps.

Imports run one way: ``rules`` <- ``state`` <- ``agents`` <- ``model``; ``model`` also
uses ``randomness`` (seeds and slots), ``records`` (daily summaries, event log) and
``result`` (a run's output).
"""
