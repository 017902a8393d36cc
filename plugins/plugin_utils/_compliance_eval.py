# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RPO evaluation behind the ``veeam_em.query.replica_compliance`` filter and role.

Rules (documented in plugins/filter/replica_compliance.yml; keep the two in step):

* The evaluation is "as of ``now``": sessions created after ``now`` are ignored, and a session
  that ended after ``now`` was still running at ``now``. So a pinned ``now`` reproduces a past
  verdict from today's data.
* "Replicated at" is the END time of the newest Completed session whose result is accepted.
  The replica restore point only exists for failover once the task has finished; the creation
  time is when the task was queued (possibly long before its snapshot) and EM does not expose
  the snapshot time. A Completed session without an end time falls back to its creation time.
* Compliant when ``now - replicated_at <= rpo`` (exactly at the RPO is still compliant).
* Amber ("at risk") = compliant, but more than ``at_risk_ratio`` of the RPO used up, or the
  newest session ended Warning/Failed, or the replication that counts ended with Warning.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.plugin_utils._duration import format_duration, parse_duration_seconds
from ansible_collections.veeam_em.query.plugins.plugin_utils._filter_input import RESULT_CHOICES, session_list, string_list
from ansible_collections.veeam_em.query.plugins.plugin_utils._session_order import newest_first_key, session_ticks, vm_name_key
from ansible_collections.veeam_em.query.plugins.plugin_utils._session_time import (
    TICKS_PER_SECOND, TIME_HELP, now_ticks, ticks_to_iso, to_ticks,
)

PLUGIN = "veeam_em.query.replica_compliance"

REASON_NEVER_REPLICATED = "never replicated"
REASON_NO_SUCCESS = "no successful replication in the data"

STATUS_GREEN = "green"
STATUS_AMBER = "amber"
STATUS_RED = "red"

DEFAULT_ACCEPT = ("Success", "Warning")
DEFAULT_AT_RISK_RATIO = 0.8


class _VmHistory:
    """What the evaluation needs to remember about one VM's sessions."""

    __slots__ = ("newest", "newest_key", "success", "success_key", "session_count")

    def __init__(self):
        self.newest = None
        self.newest_key = None
        self.success = None
        self.success_key = None
        self.session_count = 0


def evaluate(data, rpo, vms=None, now=None, accept=DEFAULT_ACCEPT, at_risk_ratio=DEFAULT_AT_RISK_RATIO) -> dict:
    """Return ``{compliant: [...], non_compliant: [...], summary: {...}}`` for ``data``."""
    # Every argument is checked before the data is looked at: a typo in rpo must not be
    # reported as a problem with session #512.
    rpo_seconds = parse_duration_seconds(rpo, "rpo", PLUGIN)
    at = _now_ticks(now)
    accepted = string_list(accept, "accept", PLUGIN, choices=RESULT_CHOICES)
    if not accepted:
        raise AnsibleFilterError("%s: invalid value for 'accept': at least one result is needed (got [])" % PLUGIN)
    # An empty list means "every VM seen", like omitting it: a role default of [] then works on
    # every ansible-core version (2.17 renders a templated None as '').
    wanted = None
    if vms is not None:
        wanted = string_list(vms, "vms", PLUGIN) or None
    ratio = _ratio(at_risk_ratio)

    histories = _histories(session_list(data, PLUGIN), at, set(accepted), wanted)
    vm_names = wanted if wanted is not None else list(histories)

    compliant, non_compliant = [], []
    for vm_name in sorted(vm_names, key=vm_name_key):
        entry = _verdict(vm_name, histories.get(vm_name), at, rpo_seconds, ratio)
        (compliant if entry["status"] != STATUS_RED else non_compliant).append(entry)

    summary = {
        "vm_count": len(compliant) + len(non_compliant),
        "compliant_count": len(compliant),
        "non_compliant_count": len(non_compliant),
        "at_risk_count": sum(1 for entry in compliant if entry["status"] == STATUS_AMBER),
        "never_replicated_count": sum(1 for entry in non_compliant if entry["reason"] == REASON_NEVER_REPLICATED),
        "all_compliant": not non_compliant,
        "session_count": sum(history.session_count for history in histories.values()),
        "rpo_seconds": rpo_seconds,
        "rpo": format_duration(rpo_seconds),
        "at_risk_ratio": ratio,
        "accept_results": accepted,
        "now": ticks_to_iso(at),
        "evaluated_at": ticks_to_iso(now_ticks()),
    }
    return {"compliant": compliant, "non_compliant": non_compliant, "summary": summary}


def _now_ticks(now) -> int:
    if now is None:
        return now_ticks()
    try:
        return to_ticks(now)
    except ValueError:
        raise AnsibleFilterError("%s: invalid value for 'now': expected %s (got %r)" % (PLUGIN, TIME_HELP, now)) from None


def _ratio(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        value_ok = False
    else:
        try:
            value = float(value)
            value_ok = 0 < value <= 1
        except ValueError:
            value_ok = False
    if not value_ok:
        raise AnsibleFilterError(
            "%s: invalid value for 'at_risk_ratio': expected a number greater than 0 and at most 1 (got %r)" % (PLUGIN, value)
        )
    return value


def _histories(sessions: list[dict], at: int, accepted: set, wanted: list[str] | None) -> dict:
    wanted_set = None if wanted is None else set(wanted)
    histories: dict[str, _VmHistory] = {}
    for session in sessions:
        vm_name = session["vm_name"]
        if wanted_set is not None and vm_name not in wanted_set:
            continue
        created = session_ticks(session, "creation_time", PLUGIN)
        if created is None:
            raise AnsibleFilterError("%s: session %s has no creation_time" % (PLUGIN, session.get("uid") or vm_name))
        if created > at:
            continue  # did not exist yet at `now`
        history = histories.setdefault(vm_name, _VmHistory())
        history.session_count += 1
        key = newest_first_key(created, session)
        if history.newest_key is None or key > history.newest_key:
            history.newest, history.newest_key = session, key

        ended = session_ticks(session, "end_time", PLUGIN)
        # Running or pending sessions never count, whatever Result EM shows while they run.
        if session.get("state") != "Completed" or session.get("result") not in accepted:
            continue
        replicated_at = created if ended is None else ended
        if replicated_at > at:
            continue  # still running at `now`
        success_key = (replicated_at,) + key
        if history.success_key is None or success_key > history.success_key:
            history.success, history.success_key = session, success_key
    return histories


def _verdict(vm_name: str, history: _VmHistory | None, at: int, rpo_seconds: int, ratio: float) -> dict:
    entry = {
        "vm_name": vm_name,
        "status": STATUS_RED,
        "reason": REASON_NEVER_REPLICATED,
        "last_success_time": None,
        "age_seconds": None,
        "last_result": None,
        "last_reason": None,
        "last_state": None,
    }
    if history is None:
        return entry
    newest = history.newest
    entry.update(last_result=newest.get("result"), last_reason=newest.get("reason"), last_state=newest.get("state"))
    if history.success is None:
        entry["reason"] = REASON_NO_SUCCESS
        return entry

    replicated_at = history.success_key[0]
    age_ticks = at - replicated_at
    # Whole seconds, rounded up: with an integer RPO, ceil(age) <= rpo exactly when age <= rpo,
    # so the number shown never contradicts the verdict.
    age_seconds = -(-age_ticks // TICKS_PER_SECOND)
    entry.update(last_success_time=ticks_to_iso(replicated_at), age_seconds=age_seconds)
    age_text = format_duration(age_seconds)
    if age_ticks > rpo_seconds * TICKS_PER_SECOND:
        entry["reason"] = "last successful replication %s ago (%d s) is older than the RPO of %s (%d s)" % (
            age_text, age_seconds, format_duration(rpo_seconds), rpo_seconds)
        return entry

    notes = []
    if age_ticks > ratio * rpo_seconds * TICKS_PER_SECOND:
        notes.append("only %s left before the RPO is exceeded" % format_duration(rpo_seconds - age_seconds))
    if newest.get("state") == "Completed" and newest.get("result") in ("Warning", "Failed"):
        notes.append("newest session ended with %s" % newest.get("result"))
    elif history.success.get("result") == "Warning":
        notes.append("the replication that counts ended with Warning")
    entry["status"] = STATUS_AMBER if notes else STATUS_GREEN
    entry["reason"] = "; ".join(
        ["last successful replication %s ago, within the RPO of %s" % (age_text, format_duration(rpo_seconds))] + notes
    )
    return entry
