"""The gateway: the one front door between visitors, staff and the Rasa assistant."""
