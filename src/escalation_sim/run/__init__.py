"""Running scenarios: one scenario, one replication's story, paired comparisons, sweeps."""
