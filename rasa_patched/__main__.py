"""`python -m rasa_patched run ...`: Rasa's own command line, with our patches applied first."""

import sys

from rasa_patched import validator


def main() -> None:
    validator.apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    sys.exit(main())
