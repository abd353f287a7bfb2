"""Rasa 3.6, started with the few fixes our helpline needs and upstream will not ship for 3.6.

`connectors.run` (how Rasa is started) applies them inside Rasa's own process before
handing over to Rasa's command line. The gateway never imports this package (nor Rasa).
"""
