# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.jmespath``: JMESPath without community.general (docs in jmespath.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.plugin_utils._filter_input import to_plain

try:
    import jmespath
    from jmespath.exceptions import JMESPathError
except ImportError:
    jmespath = None
    JMESPathError = Exception

PLUGIN = "veeam_em.query.jmespath"


def jmespath_filter(data, expr):
    """Apply the JMESPath expression ``expr`` to ``data`` and return its value."""
    if jmespath is None:
        raise AnsibleFilterError(
            "%s needs the Python library 'jmespath' on the Ansible controller "
            "(pip install jmespath, in the Python that runs ansible)" % PLUGIN
        )
    if not isinstance(expr, str) or not expr.strip():
        raise AnsibleFilterError("%s: invalid value for 'expr': expected a JMESPath expression string (got %r)" % (PLUGIN, expr))
    try:
        compiled = jmespath.compile(str.__str__(expr))
    except JMESPathError as exc:
        raise AnsibleFilterError("%s: invalid JMESPath expression %r: %s" % (PLUGIN, str.__str__(expr), exc)) from None
    try:
        return compiled.search(to_plain(data))
    except JMESPathError as exc:
        # Type errors only show at search time, e.g. length() of a number.
        raise AnsibleFilterError("%s: JMESPath expression %r failed on this data: %s" % (PLUGIN, str.__str__(expr), exc)) from None


class FilterModule:
    """veeam_em.query JMESPath filter."""

    def filters(self):
        return {"jmespath": jmespath_filter}
