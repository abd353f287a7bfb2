"""What Rasa loads of ours besides the NLU components: the gateway's input channel and Rasa's launcher.

Imports Rasa and `core/` only; never `bot/`, `actions/` or `nlu/` (tests/layout checks this).
"""
