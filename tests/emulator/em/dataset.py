"""The deterministic data set: backup servers, replication jobs, their job sessions and tasks.

Everything follows from (seed, now, sessions, days), so a test can regenerate or dump it and
compute expected answers independently. Records are plain dicts keyed by the EM field names
(``UID``, ``Name``, ``CreationTime`` as ticks, ...), plus a few link helpers (``guid``,
``JobSessionGuid``, ``BackupServerGuid``, ``JobSessionName``) that rendering needs.
"""

from __future__ import annotations

import math
import random
import threading
import uuid

from . import names
from .timefmt import TICKS_PER_SECOND, format_name_stamp

HOUR = 3600 * TICKS_PER_SECOND
MINUTE = 60 * TICKS_PER_SECOND
GIB = 1024 ** 3


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _fraction(rng: random.Random) -> int:
    """A sub-second part with 0 to 7 significant digits, as .NET prints them."""
    digits = rng.choice((0, 1, 2, 2, 3, 3, 3, 7))
    if digits == 0:
        return 0
    step = 10 ** (7 - digits)
    return rng.randrange(0, TICKS_PER_SECOND, step)


class DataSet:
    """All generated records, with thread-safe appends (``--insert-during-paging``).

    Readers take ``snapshot(kind)``: the lists are replaced, never mutated, so a page being
    rendered keeps a consistent view while another thread inserts.
    """

    def __init__(self, seed: int, now: int, sessions: int, days: float, long_runners: int = 0,
                 vms: int | None = None):
        self.seed = seed
        self.now = now
        self._lock = threading.Lock()
        self.version = 0
        gen = _Generator(seed, now, sessions, days, vms=vms)
        self.servers = gen.servers
        self.jobs = gen.jobs
        self._vms = gen.vms
        replica_tasks = gen.build_tasks(sessions, "ReplicaTaskSession", "ReplicaJobSession")
        if long_runners:
            # Extra VMs from their own RNG stream, so the rest of the data stays as without them.
            extra = _long_running_tasks(random.Random(seed * 7 + 3), gen, long_runners)
            replica_tasks = sorted(replica_tasks + extra, key=lambda r: (r["CreationTime"], r["UID"]))
            gen.job_sessions = sorted(gen.job_sessions, key=lambda s: (s["CreationTime"], s["UID"]))
        # Backup task sessions: a quarter as many, own RNG stream, same servers, jobs and VMs.
        backups = max(10, sessions // 4)
        backup_tasks = _Generator(seed + 7919, now, backups, days, gen).build_tasks(
            backups, "BackupTaskSession", "BackupJobSession")
        self._lists = {
            "ReplicaTaskSession": replica_tasks,
            "ReplicaJobSession": gen.job_sessions,  # only the runs that kept a task
            "BackupTaskSession": backup_tasks,
        }
        self._by_guid = {kind: {r["guid"]: r for r in recs} for kind, recs in self._lists.items()}
        self._insert_rng = random.Random(seed * 31 + 17)

    def snapshot(self, kind: str) -> list[dict]:
        return self._lists[kind]

    def get(self, kind: str, guid: str) -> dict | None:
        return self._by_guid[kind].get(guid.lower())

    def tasks_of_job_session(self, job_session_guid: str) -> list[dict]:
        return [r for r in self._lists["ReplicaTaskSession"] if r["JobSessionGuid"] == job_session_guid]

    def insert_replica_tasks(self, count: int, at: int) -> list[dict]:
        """Append ``count`` finished sessions created at ``at`` (newer than anything else).

        Why: simulates replication finishing while a client pages, which shifts page
        boundaries; a client that sorts newest-first and pages must cope.
        """
        with self._lock:
            rng = self._insert_rng
            job = self.jobs[rng.randrange(len(self.jobs))]
            job_session = _make_job_session(rng, job, at, "ReplicaJobSession")
            job_session.update(EndTime=at + TICKS_PER_SECOND, State="Stopped", Result="Success", Progress=100)
            vms = [vm for vm in self._vms if vm["job"] is job] or self._vms
            new = []
            for i in range(count):
                vm = vms[i % len(vms)]
                rec = _make_task(rng, "ReplicaTaskSession", vm, job_session, at)
                rec.update(EndTime=at + TICKS_PER_SECOND, State="Completed", Result="Success", Reason="")
                new.append(rec)
            self._lists["ReplicaTaskSession"] = self._lists["ReplicaTaskSession"] + new
            self._lists["ReplicaJobSession"] = self._lists["ReplicaJobSession"] + [job_session]
            for rec in new:
                self._by_guid["ReplicaTaskSession"][rec["guid"]] = rec
            self._by_guid["ReplicaJobSession"][job_session["guid"]] = job_session
            self.version += 1
            return new


def _make_job_session(rng: random.Random, job: dict, start: int, urn_kind: str) -> dict:
    guid = _guid(rng)
    return {
        "guid": guid,
        "UID": "urn:veeam:%s:%s" % (urn_kind, guid),
        "Name": "%s@%s" % (job["name"], format_name_stamp(start)),
        "NameBase": job["name"],
        "JobType": "Replica",
        "JobUid": job["uid"],
        "JobName": job["name"],
        "CreationTime": start,
        "EndTime": None,
        "State": "Working",
        "Result": None,
        "Progress": 0,
        "IsRetry": False,
        "BackupServerUid": job["server"]["uid"],
        "BackupServerGuid": job["server"]["guid"],
        "BackupServerName": job["server"]["name"],
        "_cache": {},
    }


def _make_task(rng: random.Random, kind: str, vm: dict, job_session: dict, created: int) -> dict:
    guid = _guid(rng)
    rec = {
        "guid": guid,
        "UID": "urn:veeam:%s:%s" % (kind, guid),
        "Name": "%s@%s" % (vm["name"], format_name_stamp(created)),
        "NameBase": vm["name"],
        "VmDisplayName": vm["name"],
        "JobSessionUid": job_session["UID"],
        "JobSessionGuid": job_session["guid"],
        "JobSessionName": job_session["Name"],
        "JobSessionNameBase": job_session["NameBase"],
        "JobSessionCreationTime": job_session["CreationTime"],
        "JobUid": job_session["JobUid"],
        "JobName": job_session["JobName"],
        "BackupServerUid": job_session["BackupServerUid"],
        "BackupServerGuid": job_session["BackupServerGuid"],
        "BackupServerName": job_session["BackupServerName"],
        "CreationTime": created,
        "EndTime": None,
        "State": "Pending",
        "Result": None,
        "Reason": "",
        "TotalSize": rng.choice((8, 16, 16, 32, 40, 60, 100, 250)) * GIB,
        "_cache": {},
    }
    if kind == "BackupTaskSession":
        rec["VmUid"] = "urn:VMware:Vm:%s.vm-%d" % (vm["host_guid"], vm["moref"])
    return rec


def _long_running_tasks(rng: random.Random, gen: "_Generator", count: int) -> list[dict]:
    """``count`` VMs ``long-runner-NN`` (profile LONG_RUNNING), one run every 6 hours over the window.

    Why: a VM whose newest sessions failed while an older, long session was still running and
    then succeeded. Its last replication is that old session's END, which lies after the newer
    sessions' creation: a reader that stops at the newest creation times misses it.
    """
    tasks = []
    interval = 6 * HOUR
    for number in range(count):
        job = gen.jobs[number % len(gen.jobs)]
        vm = {"name": "long-runner-%02d" % number, "profile": names.LONG_RUNNING, "job": job,
              "host_guid": _guid(rng), "moref": 90000 + number}
        start = gen.now - rng.randrange(20, 120) * MINUTE
        while start > gen.now - gen.window:
            created = start - start % TICKS_PER_SECOND + _fraction(rng)
            job_session = _make_job_session(rng, job, created, "ReplicaJobSession")
            rec = _make_task(rng, "ReplicaTaskSession", vm, job_session, created)
            age = gen.now - created
            rec["State"] = "Completed"
            if age < 30 * HOUR:
                rec["EndTime"] = created + rng.randrange(60, 600) * TICKS_PER_SECOND
                rec["Result"], rec["Reason"] = "Failed", rng.choice(names.REASONS_FAILED)
            else:
                # Ends 1-15 min before --now: after every newer run started (20 min or more ago).
                rec["EndTime"] = gen.now - rng.randrange(60, 900) * TICKS_PER_SECOND - _fraction(rng)
                rec["Result"] = "Success"
            job_session.update(State="Stopped", EndTime=rec["EndTime"], Progress=100, Result=rec["Result"])
            gen.job_sessions.append(job_session)
            tasks.append(rec)
            start -= interval
    return tasks


class _Generator:
    """Builds servers, jobs and VMs, then the task sessions of the jobs' runs."""

    def __init__(self, seed: int, now: int, sessions: int, days: float, topology: _Generator | None = None,
                 vms: int | None = None):
        self.rng = random.Random(seed)
        self.now = now
        self.window = int(days * 24 * HOUR)
        self.job_sessions: list[dict] = []
        if topology is not None:
            # Backup task sessions reuse the replica topology: same servers, jobs and VMs.
            self.servers, self.jobs, self.vms = topology.servers, topology.jobs, topology.vms
            return
        rng = self.rng
        self.servers = []
        for name in names.BACKUP_SERVERS:
            guid = _guid(rng)
            self.servers.append({"guid": guid, "uid": "urn:veeam:BackupServer:%s" % guid, "name": name})
        jobs_per_server = min(20, max(2, round(math.sqrt(sessions) / 8)))
        self.jobs = []
        for s_index, server in enumerate(self.servers):
            for j in range(jobs_per_server):
                number = s_index * jobs_per_server + j
                name = names.SPECIAL_JOBS[number] if number < len(names.SPECIAL_JOBS) else "Replica Job %02d" % number
                guid = _guid(rng)
                self.jobs.append({"guid": guid, "uid": "urn:veeam:Job:%s" % guid, "name": name, "server": server})
        # One VM per 40 sessions unless --vms says how many (the special VMs are always among them).
        vm_count = max(len(names.SPECIAL_VMS) + 10, sessions // 40) if vms is None else max(len(names.SPECIAL_VMS), vms)
        self.vms = []
        for i in range(vm_count):
            if i < len(names.SPECIAL_VMS):
                name, profile = names.SPECIAL_VMS[i]
            else:
                name = "srv-%04d" % i
                roll = rng.random()
                profile = (
                    names.STALE_FAILING if roll < 0.05 else
                    names.STALE_REMOVED if roll < 0.10 else
                    names.ALWAYS_FAILED if roll < 0.13 else names.FINE
                )
            self.vms.append({
                "name": name, "profile": profile, "job": self.jobs[i % len(self.jobs)],
                "host_guid": _guid(rng), "moref": 1000 + i,
            })

    def build_tasks(self, count: int, kind: str, parent_kind: str) -> list[dict]:
        """``count`` task sessions, the newest ones of every job's runs, oldest first."""
        runs = math.ceil(count / len(self.vms)) + 3
        while True:
            self.rng.seed(self.rng.getrandbits(64))
            candidates = self._runs(runs, kind, parent_kind)
            if len(candidates) >= count or runs > count + 10:
                break
            runs *= 2
        candidates.sort(key=lambda r: r["CreationTime"], reverse=True)
        kept = candidates[:count]
        kept.sort(key=lambda r: (r["CreationTime"], r["UID"]))
        used = {r["JobSessionGuid"] for r in kept}
        self.job_sessions = sorted(
            (s for s in self.job_sessions if s["guid"] in used), key=lambda s: (s["CreationTime"], s["UID"])
        )
        return kept

    def _runs(self, runs: int, kind: str, parent_kind: str) -> list[dict]:
        rng = self.rng
        self.job_sessions = []
        tasks: list[dict] = []
        interval = max(self.window // runs, 10 * MINUTE)
        for j_index, job in enumerate(self.jobs):
            vms = [vm for vm in self.vms if vm["job"] is job]
            if not vms:
                continue
            # Every fourth job is running right now: its newest run started minutes ago.
            running = j_index % 4 == 1
            newest = self.now - (rng.randrange(12, 30) * MINUTE if running else rng.randrange(30, 360) * MINUTE)
            for run in range(runs):
                start = newest - run * interval - rng.randrange(0, 5 * MINUTE)
                start -= start % TICKS_PER_SECOND
                start += _fraction(rng)
                tasks.extend(self._one_run(job, vms, start, running and run == 0, kind, parent_kind))
        return tasks

    def _one_run(self, job, vms, start, running, kind, parent_kind):
        rng = self.rng
        job_session = _make_job_session(rng, job, start, parent_kind)
        tasks = []
        created = start
        age = self.now - start
        for v_index, vm in enumerate(vms):
            if vm["profile"] == names.STALE_REMOVED and age < 48 * HOUR:
                continue
            created += rng.randrange(2, 20) * TICKS_PER_SECOND + _fraction(rng)
            # Large jobs must not spill into the future of --now.
            created = min(created, self.now - 5 * MINUTE)
            rec = _make_task(rng, kind, vm, job_session, created)
            if running and v_index > 0:
                # The first VM of a running job is done; the next one is being processed and
                # the rest wait in the queue: EM shows them InProgress / Pending, no EndTime.
                rec["State"] = "InProgress" if v_index == 1 else "Pending"
            else:
                self._finish(rec, vm, age)
            tasks.append(rec)
        if not tasks:
            return []
        ended = [t["EndTime"] for t in tasks if t["EndTime"] is not None]
        results = [t["Result"] for t in tasks if t["Result"] is not None]
        if running:
            job_session.update(State="Working", Progress=100 * len(ended) // len(tasks))
        else:
            job_session.update(
                State="Stopped", EndTime=max(ended), Progress=100,
                Result="Failed" if "Failed" in results else "Warning" if "Warning" in results else "Success",
            )
        self.job_sessions.append(job_session)
        return tasks

    def _finish(self, rec: dict, vm: dict, age: int) -> None:
        rng = self.rng
        rec["State"] = "Completed"
        duration = rng.randrange(30, 7200) * TICKS_PER_SECOND + _fraction(rng)
        # A finished session ended before --now, however recent its start.
        latest_end = self.now - rng.randrange(1, 120) * TICKS_PER_SECOND
        rec["EndTime"] = max(rec["CreationTime"] + TICKS_PER_SECOND, min(rec["CreationTime"] + duration, latest_end))
        profile = vm["profile"]
        if profile == names.ALWAYS_FAILED or (profile == names.STALE_FAILING and age < 30 * HOUR):
            result = "Failed"
        else:
            roll = rng.random()
            result = "Success" if roll < 0.86 else "Warning" if roll < 0.95 else "Failed"
        rec["Result"] = result
        if result == "Warning":
            rec["Reason"] = rng.choice(names.REASONS_WARNING)
        elif result == "Failed":
            rec["Reason"] = rng.choice(names.REASONS_FAILED)
            if rng.random() < 0.5:
                rec["TotalSize"] = 0
