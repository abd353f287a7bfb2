"""Ways in: each module exposes `setup(app)` and hands messages to the router."""
