"""Live delivery: brokers that wake listeners after a commit."""
