# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.replica_compliance_report``: render a verdict as a report (docs in the .yml).

Reports are rendered in Python rather than Jinja templates so that escaping (HTML, XML,
Markdown, CSV) is done by code that unit tests can attack with hostile VM names.
"""

from __future__ import annotations

import json

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.plugin_utils._report_csv import render_csv
from ansible_collections.veeam_em.query.plugins.plugin_utils._report_html import render_html
from ansible_collections.veeam_em.query.plugins.plugin_utils._report_junit import render_junit
from ansible_collections.veeam_em.query.plugins.plugin_utils._report_markdown import render_markdown
from ansible_collections.veeam_em.query.plugins.plugin_utils._report_rows import checked_verdict

PLUGIN = "veeam_em.query.replica_compliance_report"
DEFAULT_TITLE = "Replica RPO compliance"


def _render_json(verdict: dict, title: str) -> str:
    del title  # the JSON report is the verdict itself, for machines
    return json.dumps(verdict, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_RENDERERS = {"json": _render_json, "markdown": render_markdown, "html": render_html, "junit": render_junit, "csv": render_csv}


def replica_compliance_report(verdict, report_format, title=DEFAULT_TITLE):
    """Return the text of one report (json, markdown, html, junit, csv) for a replica_compliance result."""
    renderer = _RENDERERS.get(report_format) if isinstance(report_format, str) else None
    if renderer is None:
        raise AnsibleFilterError(
            "%s: invalid value for 'report_format': expected one of %s (got %r)" % (PLUGIN, ", ".join(_RENDERERS), report_format)
        )
    if not isinstance(title, str):
        raise AnsibleFilterError("%s: invalid value for 'title': expected a string (got %r)" % (PLUGIN, title))
    return renderer(checked_verdict(verdict, PLUGIN), str.__str__(title))


class FilterModule:
    """veeam_em.query compliance report filter."""

    def filters(self):
        return {"replica_compliance_report": replica_compliance_report}
