# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RPO evaluation: one policy, one streaming evaluator, used by every caller.

``compliance_policy(...)`` checks what every input means (durations, times, globs, the ratio's
bound from ``_options``) and returns an immutable ``CompliancePolicy``; the shapes (lists of
strings, dictionaries, the accepted results) come checked by the caller's edge - the module's
argument spec, or the filter's ``plugin_utils/_filter_input``. ``ComplianceEvaluator(policy)``
then takes normalized sessions one at a time (``add``) in any order and gives the verdicts
(``result``). The ``replica_compliance`` filter feeds it a list,
the ``replica_compliance_info`` module feeds it pages as they arrive.

Rules (documented for users in plugins/filter/replica_compliance.yml and the role README):

* The evaluation is "as of ``now``": sessions created after ``now`` are ignored, and a session
  that ended after ``now`` was still running at ``now``. So a pinned ``now`` reproduces a past
  verdict from today's data. With ``lookback``, sessions created before ``now - lookback`` are
  ignored too, so the same data gives the same verdict whoever fetched it.
* "Replicated at" is the END time of a Completed session whose result is accepted; the one that
  counts is the one that ended last. The replica restore point only exists for failover once the
  task has finished; the creation time is when the task was queued (possibly long before its
  snapshot) and EM does not expose the snapshot time. A Completed session without an end time
  falls back to its creation time. A running session (state other than Completed, or no
  result) is never a replication, whatever EM shows while it runs.
* The RPO of a VM is the first match of: the longest ``rpo_by_vm`` glob matching its name
  (``fnmatch`` syntax, case-sensitive; equally long patterns in text order), ``rpo_by_job`` of the
  job of its newest session, the global ``rpo``.
* Compliant when ``now - replicated_at <= rpo`` (exactly at the RPO is still compliant).
* Amber ("at risk") = compliant, but more than ``at_risk_ratio`` of the RPO used up, or the
  newest session ended Warning/Failed, or the replication that counts ended with Warning.
* A VM whose name matches an ``exclude_vms`` glob is not evaluated; it is listed in ``excluded``.

Early stopping. For each VM, the verdict entry depends on exactly two sessions: the NEWEST one
(largest ``(creation time, uid)``) and the NEWEST ACCEPTED SUCCESS (largest ``(end time, creation
time, uid)`` among Completed sessions with an accepted result that ended by ``now``). Only
``summary.session_count`` and the ``history`` counters depend on the other sessions. A caller that
reads sessions newest first may therefore stop for a VM once it has seen both of them (or knows
that neither can come any more) without changing any verdict; ``VmRecord`` exposes what it has.

Memory: one ``VmRecord`` per VM (plus, with ``history``, four counters per VM and day), never
anything per session; sessions are not kept.
"""

from __future__ import annotations

import datetime
import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ansible_collections.veeam_em.query.plugins.module_utils import _options
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError, VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._options import DEFAULT_ACCEPT, DEFAULT_AT_RISK_RATIO, DEFAULT_HISTORY_SECONDS
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.plugins.module_utils._time import (
    TICKS_PER_SECOND, TIME_HELP, duration_seconds, format_duration, now_ticks,
    parse_instant, session_time_ticks, ticks_to_datetime, ticks_to_iso,
)

REASON_NEVER_REPLICATED = "never replicated"
REASON_NO_SUCCESS = "no successful replication in the data"

STATUS_GREEN = "green"
STATUS_AMBER = "amber"
STATUS_RED = "red"

SOURCE_VM = "vm"
SOURCE_JOB = "job"
SOURCE_DEFAULT = "default"

# History outcomes of one VM and day, worst first: the first with a non-zero count names the day.
OUTCOME_SUCCESS = "success"
OUTCOME_WARNING = "warning"
OUTCOME_FAILED = "failed"
OUTCOME_RUNNING = "running"
OUTCOME_NOTHING = "nothing"
_COUNTED = (OUTCOME_SUCCESS, OUTCOME_WARNING, OUTCOME_FAILED, OUTCOME_RUNNING)
_DAY_PRECEDENCE = (OUTCOME_FAILED, OUTCOME_WARNING, OUTCOME_SUCCESS, OUTCOME_RUNNING)
# The results in EM's order (Success, Warning, Failed) are the first three counters of a day.
_OUTCOME_INDEX = {result: index for index, result in enumerate(REPLICA_TASK_SESSION.enums["Result"])}
_RUNNING_INDEX = 3

_DAY_TICKS = 86400 * TICKS_PER_SECOND
# EM's task states end with the finished one, Completed (the registry keeps EM's order).
COMPLETED = REPLICA_TASK_SESSION.enums["State"][-1]


def vm_name_key(vm_name: str) -> tuple:
    """Order VMs by name for people, yet keep ``WEB01`` and ``web01`` apart and in a fixed order.

    EM treats names differing only in case as different VMs; sorting by the case-folded name
    first puts the two next to each other in reports, the exact name makes the order total.
    """
    return (vm_name.casefold(), vm_name)


@dataclass(frozen=True)
class CompliancePolicy:
    """Every checked input of one evaluation. Build it with ``compliance_policy``."""

    rpo_seconds: int
    vms: tuple | None            # exact names, caller's order, no repeats; None: every VM seen
    now: int                     # ticks
    accept: tuple
    at_risk_ratio: float
    rpo_by_job: tuple = ()       # ((job name, seconds), ...) as given
    rpo_by_vm: tuple = ()        # ((glob, seconds), ...), longest glob first, then by text
    exclude_vms: tuple = ()      # globs as given, no repeats
    lookback_seconds: int | None = None

    @property
    def window_start(self) -> int | None:
        """Ticks of the oldest creation time that counts (``now - lookback``), or None."""
        if self.lookback_seconds is None:
            return None
        return self.now - self.lookback_seconds * TICKS_PER_SECOND

    def rpo_for(self, vm_name: str, job_name: str | None) -> tuple:
        """``(seconds, source)`` of the RPO that applies to ``vm_name`` whose newest session ran in ``job_name``."""
        for pattern, seconds in self.rpo_by_vm:
            if fnmatch.fnmatchcase(vm_name, pattern):
                return seconds, SOURCE_VM
        if job_name is not None:
            for job, seconds in self.rpo_by_job:
                if job == job_name:
                    return seconds, SOURCE_JOB
        return self.rpo_seconds, SOURCE_DEFAULT

    def excluded_by(self, vm_name: str) -> str | None:
        """The first ``exclude_vms`` glob matching ``vm_name``, or None."""
        for pattern in self.exclude_vms:
            if fnmatch.fnmatchcase(vm_name, pattern):
                return pattern
        return None


def compliance_policy(rpo, vms=None, now=None, accept=DEFAULT_ACCEPT, at_risk_ratio=DEFAULT_AT_RISK_RATIO,
                      rpo_by_job=None, rpo_by_vm=None, exclude_vms=None, lookback=None,
                      option_names=None) -> CompliancePolicy:
    """Check what every input means and return the policy; raise ``VeeamEmInputError`` naming
    the option and value.

    The caller has checked the shapes: ``vms``, ``exclude_vms`` and ``accept`` are lists of
    strings (``accept`` of EM's results), ``rpo_by_job`` and ``rpo_by_vm`` dictionaries (the
    module's argument spec, the filter's ``_filter_input``). ``option_names`` maps the internal
    names (``rpo``, ``vms``, ``now``, ``accept``, ``at_risk_ratio``, ``rpo_by_job``, ``rpo_by_vm``,
    ``exclude_vms``, ``lookback``) to the names the caller's users know (``{"accept":
    "accept_results"}`` for the module). ``vms`` None or empty means every VM seen. ``now`` None
    or empty is the current time. ``rpo_by_job``/``rpo_by_vm`` None or empty means no override.
    """
    names = dict(option_names or {})

    def fail(option, value, problem):
        raise VeeamEmInputError(names.get(option, option), value, problem)

    rpo_seconds = _duration("rpo", rpo, fail)
    at = _now(now, fail)
    accepted = _unique(accept)
    if not accepted:
        fail("accept", list(accepted), "at least one result is needed")
    wanted = _unique(vms) or None
    ratio = _ratio(at_risk_ratio, fail)
    by_job = tuple((job, _duration("rpo_by_job", seconds, fail, key=job))
                   for job, seconds in _mapping("rpo_by_job", rpo_by_job, fail))
    by_vm = tuple(sorted(((pattern, _duration("rpo_by_vm", seconds, fail, key=pattern))
                          for pattern, seconds in _mapping("rpo_by_vm", rpo_by_vm, fail)),
                         key=lambda item: (-len(item[0]), item[0])))
    for pattern, _seconds in by_vm:
        _glob("rpo_by_vm", pattern, fail)
    excluded = _unique(exclude_vms)
    for pattern in excluded:
        _glob("exclude_vms", pattern, fail)
    lookback_seconds = None
    if lookback is not None and lookback != "":
        lookback_seconds = _duration("lookback", lookback, fail)
        longest = max([rpo_seconds] + [seconds for _job, seconds in by_job] + [seconds for _glob_, seconds in by_vm])
        if lookback_seconds < longest:
            fail("lookback", lookback,
                 "must be at least the longest RPO (%s): a VM replicated within its RPO but before the window "
                 "would look non-compliant" % format_duration(longest))
    return CompliancePolicy(
        rpo_seconds=rpo_seconds, vms=None if wanted is None else tuple(wanted), now=at, accept=tuple(accepted),
        at_risk_ratio=ratio, rpo_by_job=by_job, rpo_by_vm=by_vm, exclude_vms=tuple(excluded),
        lookback_seconds=lookback_seconds,
    )


def _duration(option, value, fail, key=None) -> int:
    try:
        return duration_seconds(value)
    except ValueError as exc:
        if key is None:
            return fail(option, value, str(exc))
        # The entry, not the whole mapping: in a long rpo_by_vm the bad one is easy to find.
        return fail(option, {key: value}, "the duration of %r: %s" % (key, exc))


def _now(value, fail) -> int:
    if value is None or value == "":
        return now_ticks()
    try:
        return parse_instant(value).ticks
    except ValueError as exc:
        message = str(exc)
        return fail("now", value, message if not message.startswith("expected ") else "expected " + TIME_HELP)


def _unique(items) -> tuple:
    """The caller's order without repeats (a VM listed twice is evaluated once); None is empty."""
    return tuple(dict.fromkeys(items or ()))


def _mapping(option, value, fail) -> list:
    if not value:
        return []
    items = []
    for key, seconds in value.items():
        if not isinstance(key, str) or not key:
            fail(option, value, "every key must be a non-empty string, %r is not" % (key,))
        items.append((str(key), seconds))
    return items


def _glob(option, pattern, fail) -> None:
    if not pattern:
        fail(option, pattern, "an empty pattern matches no VM name")
    try:
        re.compile(fnmatch.translate(pattern))
    except re.error as exc:  # fnmatch escapes what it cannot use; kept as a guard for odd classes
        fail(option, pattern, "not a valid fnmatch pattern (%s)" % exc)


def _ratio(value, fail) -> float:
    bound = _options.bound("at_risk_ratio")
    number = None
    if not isinstance(value, bool) and isinstance(value, (int, float, str)):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not bound.holds(number):  # NaN holds no bound
        fail("at_risk_ratio", value, bound.problem)
    return number


class VmRecord:
    """What the evaluation remembers about one VM: its newest session and newest accepted success.

    ``newest_key`` is ``(creation ticks, uid)``; ``success_key`` is ``(end ticks, creation ticks,
    uid)``; None until such a session was added.
    """

    __slots__ = ("newest_key", "newest_result", "newest_reason", "newest_state", "newest_job",
                 "success_key", "success_result", "session_count", "days")

    def __init__(self, days: int):
        self.newest_key = None
        self.newest_result = self.newest_reason = self.newest_state = self.newest_job = None
        self.success_key = None
        self.success_result = None
        self.session_count = 0
        self.days = [0] * (4 * days) if days else None


class ComplianceEvaluator:
    """Streaming evaluation of one policy: ``add`` sessions in any order, then ``result``.

    With ``history``, ``result()`` also has ``history``: for every evaluated VM and UTC day of the
    window (``lookback``, else 7 days, ending at ``now``) the counts of sessions created that day
    that ended Success, Warning, Failed or were still running at ``now``, and the day's outcome
    (the first of failed, warning, success, running with a count, else nothing).
    """

    def __init__(self, policy: CompliancePolicy, history: bool = False):
        self.policy = policy
        self._records: dict = {}
        self._excluded: dict = {}
        self._wanted = None if policy.vms is None else frozenset(policy.vms)
        self._accepted = frozenset(policy.accept)
        self._start = policy.window_start
        self._days = 0
        if history:
            window = policy.lookback_seconds or DEFAULT_HISTORY_SECONDS
            first = ticks_to_datetime(policy.now - window * TICKS_PER_SECOND).date()
            last = ticks_to_datetime(policy.now).date()
            self._first_day = first
            self._first_day_ticks = (first.toordinal() - datetime.date(1970, 1, 1).toordinal()) * _DAY_TICKS
            self._history_start = policy.now - window * TICKS_PER_SECOND
            self._days = (last - first).days + 1

    def record(self, vm_name: str) -> VmRecord | None:
        """The record of ``vm_name`` so far (None before its first counted session)."""
        return self._records.get(vm_name)

    def add(self, session: Mapping) -> None:
        """Take one normalized session (``vm_name``, ``uid``, ``state``, ``result``, ``reason``,
        ``creation_time``, ``end_time``, ``job_name``); only what the verdict needs is kept."""
        vm_name = session["vm_name"]
        if self._wanted is not None and vm_name not in self._wanted:
            return
        record = self._records.get(vm_name)
        if record is None:
            if vm_name in self._excluded:
                return
            pattern = self.policy.excluded_by(vm_name)
            if pattern is not None:
                self._excluded[vm_name] = pattern
                return
        created = _ticks(session, "creation_time")
        if created is None:
            raise VeeamEmResponseError("session %s has no creation_time" % (session.get("uid") or vm_name))
        policy = self.policy
        if created > policy.now or (self._start is not None and created < self._start):
            return  # did not exist yet at `now`, or older than the window
        if record is None:
            record = self._records[vm_name] = VmRecord(self._days)
        record.session_count += 1
        key = (created, str(session.get("uid") or ""))
        state = session.get("state")
        result = session.get("result")
        if record.newest_key is None or key > record.newest_key:
            record.newest_key = key
            record.newest_result, record.newest_reason, record.newest_state = result, session.get("reason"), state
            record.newest_job = session.get("job_name")

        ended = _ticks(session, "end_time")
        finished = state == COMPLETED and result is not None and (ended is None or ended <= policy.now)
        if record.days is not None and created >= self._history_start:
            index = (created - self._first_day_ticks) // _DAY_TICKS
            outcome = _OUTCOME_INDEX.get(result, None) if finished else _RUNNING_INDEX
            if outcome is not None and 0 <= index < self._days:
                record.days[4 * index + outcome] += 1
        # Running or pending sessions never count, whatever Result EM shows while they run.
        if not finished or result not in self._accepted:
            return
        success_key = (created if ended is None else ended,) + key
        if record.success_key is None or success_key > record.success_key:
            record.success_key, record.success_result = success_key, result

    def add_all(self, sessions) -> None:
        for session in sessions:
            self.add(session)

    def result(self) -> dict:
        """``{compliant, non_compliant, excluded, summary}`` (and ``history``), ordered by VM name."""
        policy = self.policy
        excluded = dict(self._excluded)
        if policy.vms is not None:
            names = []
            for vm_name in policy.vms:
                pattern = excluded.get(vm_name) or policy.excluded_by(vm_name)
                if pattern is None:
                    names.append(vm_name)
                else:
                    excluded[vm_name] = pattern
        else:
            names = list(self._records)
        names.sort(key=vm_name_key)
        compliant, non_compliant = [], []
        for vm_name in names:
            entry = self._verdict(vm_name, self._records.get(vm_name))
            (compliant if entry["status"] != STATUS_RED else non_compliant).append(entry)
        excluded_list = [{"vm_name": name, "excluded_by": excluded[name]} for name in sorted(excluded, key=vm_name_key)]
        summary = {
            "vm_count": len(compliant) + len(non_compliant),
            "compliant_count": len(compliant),
            "non_compliant_count": len(non_compliant),
            "at_risk_count": sum(1 for entry in compliant if entry["status"] == STATUS_AMBER),
            "never_replicated_count": sum(1 for entry in non_compliant if entry["reason"] == REASON_NEVER_REPLICATED),
            "all_compliant": not non_compliant,
            "session_count": sum(record.session_count for record in self._records.values()),
            "rpo_seconds": policy.rpo_seconds,
            "rpo": format_duration(policy.rpo_seconds),
            "at_risk_ratio": policy.at_risk_ratio,
            "accept_results": list(policy.accept),
            "now": ticks_to_iso(policy.now),
            "evaluated_at": ticks_to_iso(now_ticks()),
            "excluded_count": len(excluded_list),
            "rpo_by_job": dict(policy.rpo_by_job),
            "rpo_by_vm": dict(policy.rpo_by_vm),
            "exclude_vms": list(policy.exclude_vms),
            "lookback_seconds": policy.lookback_seconds,
            "lookback": None if policy.lookback_seconds is None else format_duration(policy.lookback_seconds),
        }
        answer = {"compliant": compliant, "non_compliant": non_compliant, "excluded": excluded_list, "summary": summary}
        if self._days:
            answer["history"] = self._history(names)
        return answer

    def _history(self, names: list) -> dict:
        days = [(self._first_day + datetime.timedelta(days=offset)).isoformat() for offset in range(self._days)]
        vms = []
        for vm_name in names:
            record = self._records.get(vm_name)
            counters = record.days if record is not None else [0] * (4 * self._days)
            counts, outcomes = [], []
            for offset in range(self._days):
                day = dict(zip(_COUNTED, counters[4 * offset:4 * offset + 4]))
                counts.append(day)
                outcomes.append(next((outcome for outcome in _DAY_PRECEDENCE if day[outcome]), OUTCOME_NOTHING))
            vms.append({"vm_name": vm_name, "outcomes": outcomes, "counts": counts})
        return {"days": days, "vms": vms}

    def _verdict(self, vm_name: str, record: VmRecord | None) -> dict:
        rpo_seconds, source = self.policy.rpo_for(vm_name, record.newest_job if record is not None else None)
        entry = {
            "vm_name": vm_name,
            "status": STATUS_RED,
            "reason": REASON_NEVER_REPLICATED,
            "last_success_time": None,
            "age_seconds": None,
            "last_result": None,
            "last_reason": None,
            "last_state": None,
            "job_name": None,
            "rpo": format_duration(rpo_seconds),
            "rpo_seconds": rpo_seconds,
            "rpo_source": source,
        }
        if record is None:
            return entry
        entry.update(last_result=record.newest_result, last_reason=record.newest_reason,
                     last_state=record.newest_state, job_name=record.newest_job)
        if record.success_key is None:
            entry["reason"] = REASON_NO_SUCCESS
            return entry

        replicated_at = record.success_key[0]
        age_ticks = self.policy.now - replicated_at
        # Whole seconds, rounded up: with an integer RPO, ceil(age) <= rpo exactly when age <= rpo,
        # so the number shown never contradicts the verdict.
        age_seconds = -(-age_ticks // TICKS_PER_SECOND)
        entry.update(last_success_time=ticks_to_iso(replicated_at), age_seconds=age_seconds)
        age_text = format_duration(age_seconds)
        rpo_text = format_duration(rpo_seconds)
        if age_ticks > rpo_seconds * TICKS_PER_SECOND:
            entry["reason"] = "last successful replication %s ago (%d s) is older than the RPO of %s (%d s)" % (
                age_text, age_seconds, rpo_text, rpo_seconds)
            return entry

        notes = []
        if age_ticks > self.policy.at_risk_ratio * rpo_seconds * TICKS_PER_SECOND:
            notes.append("only %s left before the RPO is exceeded" % format_duration(rpo_seconds - age_seconds))
        if record.newest_state == COMPLETED and record.newest_result in ("Warning", "Failed"):
            notes.append("newest session ended with %s" % record.newest_result)
        elif record.success_result == "Warning":
            notes.append("the replication that counts ended with Warning")
        entry["status"] = STATUS_AMBER if notes else STATUS_GREEN
        entry["reason"] = "; ".join(
            ["last successful replication %s ago, within the RPO of %s" % (age_text, rpo_text)] + notes
        )
        return entry


def _ticks(session: Mapping, key: str) -> int | None:
    """The ticks of ``session[key]``; None when it is None or ""; an error naming the session when unreadable."""
    value = session.get(key)
    if value is None or value == "":
        return None
    try:
        return session_time_ticks(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise VeeamEmResponseError(
            "session %s has an unreadable %s %r: %s" % (session.get("uid") or session.get("name"), key, value, exc)
        ) from None
