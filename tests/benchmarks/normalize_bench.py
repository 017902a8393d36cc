"""The normalization hot path, side by side: EM 12 (PascalCase), EM 13 (camelCase) and mixed pages.

What is timed is what the engine does with each page body it receives: ``_wire.parse_query_page``
(JSON decoding and finding the entity list) and ``_normalize.SessionNormalizer`` over every
entity. The same work of the pre-round engine (commit ``ed48c97``: ``parse_json.parse_query_page``
and ``normalize.SessionNormalizer``, PascalCase only) runs beside it: its files are read with
``git show`` into a temporary directory at benchmark time and imported under their own module
names, which the current tree no longer uses (nothing old is committed).

The pages are real emulator pages (PascalCase, as EM 12 writes them); the camelCase pages are
the same documents with every member name converted the way .NET's camelCase policy does
(``UID`` -> ``uid``, ``CreationTimeUTC`` -> ``creationTimeUTC``; values untouched); the mixed
pages alternate the casing entity by entity, and every fourth entity mixes both casings inside
itself and its links. All contenders run round robin in one process, the starting one rotating;
medians of the repetitions are reported.

Usage::

    python normalize_bench.py --collections-root DIR --report OUT.json [--sessions 20000] [--reps 7]
"""

from __future__ import annotations

import argparse
import gc
import importlib.abc
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
# The repository the old engine is read from: make test runs this file from a staged copy of
# the collection, which has no .git, and names the checkout it was staged from.
SOURCE_REPO = os.environ.get("BENCH_SOURCE_REPO") or ROOT

OLD_COMMIT = "ed48c97"
PACKAGE = "ansible_collections.veeam_em.query.plugins.module_utils."
PAGE_SIZE = 500


class _OldTreeFinder(importlib.abc.MetaPathFinder):
    """Imports ``module_utils.<name>`` from the old commit's files when the name exists only there."""

    def __init__(self, directory: str):
        self.directory = directory

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(PACKAGE):
            return None
        leaf = fullname[len(PACKAGE):]
        source = os.path.join(self.directory, leaf + ".py")
        if "." in leaf or not os.path.exists(source):
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def load_old_engine(tmp: str):
    """(parse_query_page, SessionNormalizer, REPLICA_TASK_SESSION) of commit ed48c97."""
    listing = subprocess.run(["git", "-C", SOURCE_REPO, "ls-tree", "--name-only", OLD_COMMIT, "plugins/module_utils/"],
                             check=True, capture_output=True, text=True).stdout.split()
    directory = os.path.join(tmp, "old_module_utils")
    os.makedirs(directory)
    for path in listing:
        if path.endswith(".py") and not os.path.basename(path).startswith("_"):
            text = subprocess.run(["git", "-C", SOURCE_REPO, "show", "%s:%s" % (OLD_COMMIT, path)],
                                  check=True, capture_output=True).stdout
            with open(os.path.join(directory, os.path.basename(path)), "wb") as handle:
                handle.write(text)
    sys.meta_path.insert(0, _OldTreeFinder(directory))
    parse_json = importlib.import_module(PACKAGE + "parse_json")
    normalize = importlib.import_module(PACKAGE + "normalize")
    query_types = importlib.import_module(PACKAGE + "query_types")
    return parse_json.parse_query_page, normalize.SessionNormalizer, query_types.REPLICA_TASK_SESSION


# -- pages ---------------------------------------------------------------------------------------------
def fetch_pages(sessions: int) -> list[bytes]:
    """Every page body of ``sessions`` sessions, as the emulator serves them (PascalCase)."""
    import requests
    from launcher import Emulator

    bodies = []
    # The EM 12 profile with omitted nulls, a provisional Success and 7-digit times: the PascalCase
    # pages this benchmark was built on (the camelCase and mixed variants are derived below).
    with Emulator(sessions=sessions, seed=7, startup_timeout=600, em_version="12", json_nulls="false",
                  running_result="Success", running_end="omit", time_fraction_digits=7, name_fraction="false") as emu:
        with requests.Session() as http:
            http.headers["Accept"] = "application/json"
            logon = http.post(emu.url + "/api/sessionMngr/?v=latest", auth=(emu.username, emu.password),
                              verify=emu.ca_path, timeout=60)
            logon.raise_for_status()
            http.headers["X-RestSvcSessionId"] = logon.headers["X-RestSvcSessionId"]
            page, pages_count = 1, 1
            while page <= pages_count:
                response = http.get(emu.url + "/api/query", verify=emu.ca_path, timeout=60, params={
                    "type": "ReplicaTaskSession", "format": "Entities", "sortDesc": "CreationTime",
                    "pageSize": PAGE_SIZE, "page": page})
                response.raise_for_status()
                bodies.append(response.content)
                pages_count = json.loads(response.content)["PagingInfo"]["PagesCount"]
                page += 1
    return bodies


def camel_case(name: str) -> str:
    # Written here independently of the engine's own helper, so a bug there cannot hide.
    upper = 0
    while upper < len(name) and name[upper].isupper():
        upper += 1
    if upper == 0:
        return name
    if upper in (1, len(name)):
        return name[:upper].lower() + name[upper:]
    return name[:upper - 1].lower() + name[upper - 1:]


def recase(value, spell):
    if isinstance(value, dict):
        return {spell(key): recase(item, spell) for key, item in value.items()}
    if isinstance(value, list):
        return [recase(item, spell) for item in value]
    return value


def mixed_entity(entity: dict, position: int) -> dict:
    if position % 4 == 3:
        # Inside one entity: members alternate casings; so do the links' members.
        out = {}
        for number, (key, value) in enumerate(entity.items()):
            spelled = key if number % 2 else camel_case(key)
            if isinstance(value, list):
                value = [{(k if n % 2 == 0 else camel_case(k)): v for n, (k, v) in enumerate(link.items())}
                         if isinstance(link, dict) else link for link in value]
            out[spelled] = value
        return out
    return entity if position % 2 == 0 else recase(entity, camel_case)


def dumps(doc) -> bytes:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def variants(bodies: list[bytes]) -> dict[str, list[bytes]]:
    pascal, camel, mixed = [], [], []
    for body in bodies:
        doc = json.loads(body)
        pascal.append(body)
        camel.append(dumps(recase(doc, camel_case)))
        entities = doc["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"]
        doc["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"] = [
            mixed_entity(entity, n) for n, entity in enumerate(entities)]
        # The page's own members in camelCase, the entities mixed.
        top = {camel_case(k): v for k, v in doc.items()}
        top["entities"] = {camel_case(k): v for k, v in top["entities"].items()}
        top["entities"]["replicaTaskSessions"] = {
            camel_case(k): v for k, v in top["entities"]["replicaTaskSessions"].items()}
        mixed.append(dumps(top))
    return {"pascal": pascal, "camel": camel, "mixed": mixed}


# -- contenders ----------------------------------------------------------------------------------------
def new_engine():
    wire = importlib.import_module(PACKAGE + "_wire")
    normalize = importlib.import_module(PACKAGE + "_normalize")
    query_types = importlib.import_module(PACKAGE + "_query_types")
    qtype = query_types.REPLICA_TASK_SESSION

    def run(bodies):
        normalizer = normalize.SessionNormalizer(qtype)
        out = []
        for body in bodies:
            page = wire.parse_query_page(body, "application/json; charset=utf-8", qtype, "page")
            out.extend(map(normalizer, page.entities))
        return out

    return run


def old_engine(tmp: str):
    parse_query_page, normalizer_class, qtype = load_old_engine(tmp)

    def run(bodies):
        normalizer = normalizer_class(qtype)
        out = []
        for body in bodies:
            page = parse_query_page(body, qtype.list_element, "page")
            out.extend(map(normalizer, page.entities))
        return out

    return run


CONTENDERS = (
    ("old_pascal", "commit %s, PascalCase (EM 12) pages" % OLD_COMMIT, "old", "pascal"),
    ("pascal", "current, PascalCase (EM 12) pages", "new", "pascal"),
    ("camel", "current, camelCase (EM 13) pages", "new", "camel"),
    ("mixed", "current, mixed-casing pages", "new", "mixed"),
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collections-root", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--sessions", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.abspath(args.collections_root))
    pages = variants(fetch_pages(args.sessions))
    with tempfile.TemporaryDirectory(prefix="veeam-em-old-") as tmp:
        engines = {"new": new_engine(), "old": old_engine(tmp)}
        # The same sessions whatever the casing (and the old engine agrees on finished ones).
        reference = engines["new"](pages["pascal"])
        for key, _label, engine, variant in CONTENDERS[2:]:
            if engines[engine](pages[variant]) != reference:
                raise SystemExit("normalize_bench: %s pages do not normalize to the PascalCase sessions" % key)
        times: dict[str, list[float]] = {row[0]: [] for row in CONTENDERS}
        order = list(CONTENDERS)
        for rep in range(-1, args.reps):  # one warm-up round
            shift = rep % len(order)
            for key, _label, engine, variant in order[shift:] + order[:shift]:
                run, bodies = engines[engine], pages[variant]
                # As timeit does: no cyclic garbage collection inside the timed part, so no
                # contender pays for another's garbage.
                gc.collect()
                gc.disable()
                try:
                    started = time.perf_counter()
                    run(bodies)
                    elapsed = time.perf_counter() - started
                finally:
                    gc.enable()
                if rep >= 0:
                    times[key].append(elapsed)
    medians = {key: statistics.median(values) for key, values in times.items()}
    report = {
        "sessions": len(reference),
        "pages": len(pages["pascal"]),
        "reps": args.reps,
        "old_commit": OLD_COMMIT,
        "load": os.getloadavg(),
        "contenders": [{"key": key, "label": label, "median_s": medians[key], "min_s": min(times[key]),
                        "max_s": max(times[key]), "us_per_session": medians[key] / len(reference) * 1e6}
                       for key, label, _engine, _variant in CONTENDERS],
        "ratios": {
            "pascal_vs_old": medians["pascal"] / medians["old_pascal"],
            "camel_vs_old": medians["camel"] / medians["old_pascal"],
            "camel_vs_pascal": medians["camel"] / medians["pascal"],
            "mixed_vs_pascal": medians["mixed"] / medians["pascal"],
        },
    }
    with open(args.report, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)
    for row in report["contenders"]:
        print("%-12s median %.3f s (%.2f us/session)" % (row["key"], row["median_s"], row["us_per_session"]),
              file=sys.stderr)
    print(json.dumps(report["ratios"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
