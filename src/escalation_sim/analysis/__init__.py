"""Numbers from results: metrics and intervals, survival, sensitivity, paired statistics."""
