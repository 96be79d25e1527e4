"""Batch sweeps: plan, tasks, executors and the driver that runs them crash-safe."""
