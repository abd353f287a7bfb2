"""Ways in: each channel turns what its webhook or socket receives into an `Inbound` for the router,
and registers how to deliver to its visitors outside a request. `bot.app` mounts their routes."""
