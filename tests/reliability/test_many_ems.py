# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many Enterprise Managers in one play: each host gets its own EM's data, failures stay local.

Ten emulators on different loopback ports with different seeds (so their data differ) and
different passwords, answering as EM 13, EM 12 and the mixed-casing profile in turn (one play
reads every JSON casing at once); an inventory host per EM carries its URL, CA and credentials as hostvars;
one play runs the module with ``forks 5``. Then one EM is killed and another answers every query
with an error: exactly those two hosts fail, the other eight still get exactly their own data.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible_runs import local_play, module_task
from expected_sessions import assert_complete_and_exact, assert_no_leaked_session, dump_views

EM_COUNT = 10
RETRIES = 1
EM_VERSIONS = ("13", "12", "mixed")  # tests/emulator/README.md, "EM version profiles"


def _start_fleet(emulators) -> dict:
    """host name -> running emulator; started in parallel, they are independent processes."""
    names = ["em%02d" % number for number in range(1, EM_COUNT + 1)]

    def start(index):
        return emulators.start(sessions=15 + index, seed=100 + index, password="pw-%d;%s" % (index, "x" * index),
                               em_version=EM_VERSIONS[index % len(EM_VERSIONS)])

    with ThreadPoolExecutor(max_workers=4) as pool:
        started = list(pool.map(start, range(EM_COUNT)))
    return dict(zip(names, started))


def _inventory(ansible, fleet: dict):
    hosts = {}
    for name, emulator in fleet.items():
        hosts[name] = {
            "ansible_connection": "local",
            "veeam_em_url": emulator.url,
            "veeam_em_ca_path": emulator.ca_path,
            "veeam_em_username": emulator.username,
            "veeam_em_password": emulator.password,
        }
    return ansible.inventory(hosts)


def _play(ansible, inventory):
    args = {"url": "{{ veeam_em_url }}", "ca_path": "{{ veeam_em_ca_path }}", "username": "{{ veeam_em_username }}",
            "password": "{{ veeam_em_password }}", "page_size": 5, "retries": RETRIES, "timeout": 20}
    return ansible.playbook([local_play([module_task("query", args)], hosts="ems")], inventory=inventory,
                            extra_args=["--forks", "5"])


def test_ten_ems_each_host_gets_exactly_its_own_data_and_failures_stay_local(ansible, emulators):
    fleet = _start_fleet(emulators)
    expected = {name: dump_views(emulator.dump()) for name, emulator in fleet.items()}
    all_uids = [uid for views in expected.values() for uid in views]
    assert len(all_uids) == len(set(all_uids)), "the emulators' data sets must differ for this test to mean anything"
    inventory = _inventory(ansible, fleet)

    # 1. All ten healthy.
    run = _play(ansible, inventory)
    for name, emulator in fleet.items():
        record = run.record("query", host=name)
        assert record["status"] == "ok", "%s: %s" % (name, run.explain())
        assert_complete_and_exact(record["result"], expected[name])
        stats = emulator.stats()
        assert stats["logons"] == 1, "%s: %s" % (name, stats)
        assert_no_leaked_session(stats)
        emulator.reset()

    # 2. em03 is killed, em07 answers every query with 500/503; the other eight are untouched.
    killed, failing = fleet["em03"], fleet["em07"]
    killed.process.kill()
    killed.process.wait(10)
    failing.configure(fail_rate=1.0)
    run = _play(ansible, inventory)

    for name, emulator in fleet.items():
        record = run.record("query", host=name)
        result = record["result"]
        if emulator is killed:
            assert record["status"] == "failed", result
            assert "logon" in result["msg"] and "cannot reach" in result["msg"], result["msg"]
            continue
        stats = emulator.stats()
        assert_no_leaked_session(stats)
        if emulator is failing:
            assert record["status"] == "failed", result
            assert "query page 1" in result["msg"] and "HTTP 50" in result["msg"], result["msg"]
            assert stats["query_requests"] == RETRIES + 1, stats
            assert "replica_task_sessions" not in result
        else:
            assert record["status"] == "ok", "%s: %s" % (name, run.explain())
            assert_complete_and_exact(result, expected[name])
            assert stats["logons"] == 1, "%s: %s" % (name, stats)
    # The task ignores errors (so every host's result is recorded); the recap counts them.
    assert run.stdout.count("ignored=1") == 2, run.explain()
