"""The names and texts the generated data set uses.

They are chosen to break naive clients: quoting (spaces, ``"``, ``,``, ``;``, parentheses, ``==``),
encoding (non-ASCII), case handling (``web01`` vs ``WEB01``), name parsing (``@`` inside a VM or
job name, while EM's session names are ``<name>@<time>``) and report rendering (a run of two
spaces that HTML and Markdown would collapse; ``<``, ``&``, ``|`` and ``*``, which are markup in
HTML, XML or Markdown, and an entity-like ``&amp;`` that must stay text).
"""

from __future__ import annotations

BACKUP_SERVERS = ("vbr01.example.com", "vbr02.example.com", "vbr-dr.example.com")

# Compliance profiles (what the newest sessions of a VM look like):
FINE = "fine"  # mostly Success, a fresh success exists
STALE_FAILING = "stale_failing"  # every session of the last 30 h failed; older ones succeeded
STALE_REMOVED = "stale_removed"  # taken out of its job 2 days ago: no session since
ALWAYS_FAILED = "always_failed"  # never succeeded
# Only with --long-runners: every session of the last 30 h failed within minutes; each older one
# succeeded but ran until 1-15 min before --now, after the newer, failed ones had started.
LONG_RUNNING = "long_running"

# (VM display name, profile). Every special name is in every data set, whatever --sessions says.
SPECIAL_VMS = (
    ("web01", FINE),
    ("WEB01", STALE_FAILING),
    ("Zürich-DB", FINE),
    ("東京-web", FINE),
    ("file server 01", FINE),
    ('vm "quoted" name', FINE),
    ("db,primary", STALE_REMOVED),
    ("app;backend", FINE),
    ("legacy (old)", ALWAYS_FAILED),
    ("a==b test", FINE),
    ("mail@corp", FINE),
    ("sql-prod-01", STALE_FAILING),
    ("print srv", ALWAYS_FAILED),
    ("dc01", STALE_REMOVED),
    ("two  spaces vm", STALE_FAILING),
    ("<b>&amp;|*", FINE),
)

SPECIAL_JOBS = ("Replicate SQL", "DR @ Site-B", "Replication Job 1")

REASONS_WARNING = (
    "Processing finished with warnings at 2026-11-28 21:03:16. Changed block tracking is disabled "
    "[CBT]; a full scan of the disk was performed. Check C:\\ProgramData\\Veeam\\Backup\\Svc.log for details.",
    "Snapshot consolidation took longer than expected (more than 15 minutes). The replica is "
    "consistent, but the next run may be delayed [VSS timeout \\\\vss01\\writer].",
    "Guest processing skipped: VMware Tools are not running [guest OS \"Windows Server 2022\"]. "
    "Application-aware processing did not run.",
)
REASONS_FAILED = (
    "Error: Failed to open VDDK disk [datastore1] web01/web01.vmdk ( is read-only mode - [true] ). "
    "Logon attempt with parameters [VC/ESX: [vc01.example.com];Port: 443;Login: [EXAMPLE\\svc-veeam]] "
    "failed. Task failed after 3 retries.",
    "Error: The network path was not found. Failed to connect to \\\\dr-esx02\\replicas (code 53). "
    "Check the proxy [proxy02] and the target host.",
    "Error: Not enough storage is available to complete this operation. Target datastore [ds-dr-01] "
    "has 1.2 GB free; 40 GB required. The replica was not created.",
    "Error: Operation timed out after 7200 seconds; the source host did not answer. Unable to "
    "release the snapshot {e1c0ffee-0000-4000-8000-000000000000}.",
)
