"""The only code that reads YAML: scenario and experiment files, ``extends``, ``--set``."""
