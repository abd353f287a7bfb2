"""Rasa NLU graph components of ours, named in config.yml (Rasa imports them; bot/ and actions/ never do)."""
