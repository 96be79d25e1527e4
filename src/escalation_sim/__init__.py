"""escalation_sim: crisis escalation when nobody gives the other side the benefit of the doubt."""

__version__ = "0.1.0"
