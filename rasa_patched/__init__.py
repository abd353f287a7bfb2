"""Rasa 3.6, started with the few fixes our helpline needs and upstream will not ship for 3.6.

`python -m rasa_patched run ...` takes the same arguments as `python -m rasa run ...`:
it applies the patches below inside Rasa's own process, then hands over to
Rasa's command line. The gateway never imports this package (nor Rasa).
"""
