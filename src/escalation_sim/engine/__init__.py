"""The model: rules, agents, the day's schedule, randomness and the records it keeps."""
