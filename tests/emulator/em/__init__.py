"""The emulated Veeam Backup Enterprise Manager REST API (stdlib only).

The entry point is ``tests/emulator/em_emulator.py``; see ``tests/emulator/README.md``.
"""
