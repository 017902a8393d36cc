"""EM version profiles (``--em-version``): the settings in which real EM 12.x and 13.x differ.

A profile is applied as a whole; each setting it touches stays settable on its own afterwards
(flags after ``--em-version`` and ``POST /emulator/config`` win). Sources for every value are
listed in docs/em_behaviour.md, "EM versions"; the short tags below name them:

* HTTPAPI: host-sanitised responses of a real 12.x and a real 13.x EM, repository
  peekjef72/httpapi_exporter, contribs/veeam/etc/veeam/profiles/samples/*_v12.json, *_v13.json
  (and its profiles/funcs/veeam.js, which reads Result "None" as running on 12/13).
* LFAB: Linuxfabrik monitoring-plugins issue #1001 and PR #1116 (camelCase since EM 13's move to
  .NET 8, called an unintended regression by Veeam, to be undone later); CENT: centreon-plugins
  PR #5906 (the same change seen by another client).
* D-QUERY: helpcenter.veeam.com/docs/vbr/em_rest/pagesize_and_page.html (paging parameters).
"""

from __future__ import annotations

PROFILES = {
    "13": {
        "json_casing": "camel",  # HTTPAPI *_v13.json: "entities", "creationTimeUTC", "uid"; LFAB, CENT
        "json_nulls": True,  # HTTPAPI *_v13.json: ~50 null siblings in "entities", "name":null,"type":null on paging links
        "time_fraction_digits": 6,  # HTTPAPI *_v13.json: "2026-06-16T06:22:59.39912Z", "…52.728467Z" (up to 6 seen)
        "name_fraction": True,  # HTTPAPI *_v13.json: "myhost@2026-06-16 06:22:59.39912", job sessions alike
        "running_result": "None",  # HTTPAPI veeam.js: Result "None" means running on 12/13
        "running_end": "null",  # HTTPAPI: absent members are written as null on 12/13
        "default_page_size": 100,  # HTTPAPI: no pageSize sent -> "pageSize":100, links "&pageSize=100&page=1"
    },
    "12": {
        "json_casing": "pascal",  # HTTPAPI *_v12.json: "Entities", "CreationTimeUTC", "UID"
        "json_nulls": True,  # HTTPAPI *_v12.json: null siblings and null link members as on 13
        "time_fraction_digits": 3,  # HTTPAPI *_v12.json: "…19.807Z" (3 digits)
        "name_fraction": False,  # HTTPAPI *_v12.json: "MYHOST@2026-06-15 05:50:19" (whole seconds)
        "running_result": "None",  # HTTPAPI veeam.js: Result "None" means running on 12/13
        "running_end": "null",  # HTTPAPI: absent members are written as null on 12/13
        "default_page_size": 100,  # HTTPAPI *_v12.json: "PageSize":100 without pageSize
    },
    # Not a release: what a later 13.x that undoes the camelCase change in part might write (LFAB:
    # "to be fixed in a future release"). Member casing is mixed per member and object, times carry
    # .NET's full 7 digits and a running session ends at the 1900-01-01 sentinel, so a client that
    # assumes one casing per server, or takes any end time at face value, fails here.
    "mixed": {
        "json_casing": "mixed",
        "json_nulls": True,
        "time_fraction_digits": 7,
        "name_fraction": True,
        "running_result": "None",
        "running_end": "sentinel",
        "default_page_size": 100,
    },
}

DEFAULT_VERSION = "13"  # the version the EM REST API reference on helpcenter.veeam.com documents
VERSIONS = tuple(PROFILES)
