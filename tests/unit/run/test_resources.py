"""Resource estimates: --series adds its days per replication."""

from __future__ import annotations

from escalation_sim.run.resources import SERIES_DISK_PER_DAY, SERIES_MEMORY_PER_DAY, needs


def test_series_add_memory_and_disk_per_replication_and_day():
    base_memory, base_disk = needs(1000, 100)
    memory, disk = needs(1000, 100, series_days=180)
    assert memory - base_memory == 1000 * 180 * SERIES_MEMORY_PER_DAY
    assert disk - base_disk == 1000 * 180 * SERIES_DISK_PER_DAY
