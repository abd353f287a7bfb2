"""The levels of care the screen can suggest, from least to most intensive.

Shared by the screen (which suggests one) and the staff console (which counts
and names them).
"""

from __future__ import annotations

from typing import Dict, Tuple

OUTPATIENT = "outpatient"
IOP = "iop"
PHP = "php"
RESIDENTIAL = "residential"
INPATIENT = "inpatient"  # includes medically managed withdrawal (detox)
LEVELS: Tuple[str, ...] = (OUTPATIENT, IOP, PHP, RESIDENTIAL, INPATIENT)

# How staff see a level: short, in a table cell.
SHORT_NAMES: Dict[str, str] = {
    OUTPATIENT: "standard outpatient",
    IOP: "IOP",
    PHP: "PHP",
    RESIDENTIAL: "residential",
    INPATIENT: "inpatient / medically managed withdrawal",
}
