"""``python -m tests.faulty_cli FAULTS_JSON ARGS...``: the command line, with faults.

Runs ``escalation-sim ARGS...`` (the real ``escalation_sim.cli.main``) with every
sweep's tasks run by ``tests.faults.Faults.from_json(FAULTS_JSON)``: for tests
that must run a sweep in a subprocess (to SIGKILL it, or send it Ctrl-C). The
repository root must be on ``PYTHONPATH``: the sweep's workers import
``tests.faults`` to run the tasks.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":  # local workers import this module too: they must not run it
    from escalation_sim.cli import main
    from tests.faults import Faults, install

    install(Faults.from_json(sys.argv[1]))
    del sys.argv[1]  # the command recorded in the manifest is the sweep's own
    sys.exit(main())
