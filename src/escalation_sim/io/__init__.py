"""The only code that reads YAML: scenario and experiment files, ``extends``, ``--set``.

Steps: parse keeping line numbers (``yaml_source``), resolve ``extends:``
chains, apply ``--set`` overrides (``overrides``), validate with pydantic
(``scenario_file``, ``experiment_file``). Every problem becomes an
:class:`~escalation_sim.io.errors.InputError` naming the file, the line where
known, and the key path.
"""
