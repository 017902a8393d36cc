"""Start the emulated Veeam Backup Enterprise Manager REST API.

    python3 tests/emulator/em_emulator.py --port 0 --tls --ready-file FILE [--sessions N] [--seed S] ...

Flags, endpoints and the choices made where EM's behaviour is unknown: tests/emulator/README.md.
The implementation is the ``em`` package beside this file (standard library only).
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    # Run as a script: make the sibling ``em`` package importable.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from em.cli import main  # pylint: disable=import-error

    sys.exit(main())
