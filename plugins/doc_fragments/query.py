# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Query options of the replication task session module and lookup (one text for both).

PAGING documents how results are paged (O(page_size), O(concurrency)); every plugin that reads
sessions extends it, replica_compliance_info included, so the text and its bounds exist once.
"""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  uid:
    description:
      - Only the sessions with one of these UIDs (EM field C(UID)).
      - A full URN V(urn:veeam:ReplicaTaskSession:<GUID>) or the bare GUID.
    type: list
    elements: str
  name:
    description:
      - Only the sessions with one of these names (EM field C(Name)), which EM writes as
        C(<VM name>@<yyyy-MM-dd HH:mm:ss>) in UTC.
    type: list
    elements: str
  vm_name:
    description:
      - Only the sessions of these VMs (EM field C(VmDisplayName)), exact names.
    type: list
    elements: str
    aliases: [vm_display_name]
  job_name:
    description:
      - Only the sessions of these replication jobs (EM field C(JobName)), exact names.
    type: list
    elements: str
  job_uid:
    description:
      - Only the sessions of these jobs (EM field C(JobUid)), as V(urn:veeam:Job:<GUID>) or the bare GUID.
    type: list
    elements: str
  job_session_uid:
    description:
      - Only the sessions that belong to these job sessions (EM field C(JobSessionUid)), as
        V(urn:veeam:ReplicaJobSession:<GUID>) or the bare GUID.
    type: list
    elements: str
  backup_server_name:
    description:
      - Only the sessions of these backup servers (EM field C(BackupServerName)), exact names.
    type: list
    elements: str
  backup_server_uid:
    description:
      - Only the sessions of these backup servers (EM field C(BackupServerUid)), as
        V(urn:veeam:BackupServer:<GUID>) or the bare GUID.
    type: list
    elements: str
  state:
    description:
      - Only the sessions in one of these states (EM field C(State)).
      - Each value is one of V(InProgress), V(Pending), V(Completed), in any letter case.
    type: list
    elements: str
  result:
    description:
      - Only the sessions with one of these results (EM field C(Result)).
      - Each value is one of V(Success), V(Warning), V(Failed), in any letter case.
      - Only finished sessions have a result (a running session has C(result=null), whatever
        provisional C(Result) EM shows for it), so this option also selects C(State==Completed).
    type: list
    elements: str
  reason:
    description:
      - Only the sessions whose reason text is exactly one of these (EM field C(Reason)).
      - V('') selects the sessions without a reason.
    type: list
    elements: str
  created_after:
    description:
      - Only the sessions created at or after this time (C(CreationTime >=)).
      - An ISO-8601 date or date and time such as V(2026-11-28) or V(2026-11-28T21:00:00+01:00);
        UTC is assumed when there is no offset, and offsets are converted to UTC.
      - Or a relative age, meaning now minus that much - V(90m), V(24h), V(7d), V(2w)
        (units C(s), C(m), C(h), C(d), C(w)).
    type: raw
  created_before:
    description:
      - Only the sessions created before this time (C(CreationTime <)). Same formats as O(created_after).
      - Must be later than O(created_after) when both are set.
    type: raw
  ended_after:
    description:
      - Only the sessions that ended at or after this time (C(EndTime >=)). Same formats as O(created_after).
      - Sessions that are still running have no end time and never match; the filter sent adds
        C(State==Completed), since an EM that shows C(1900-01-01) as a running session's end may also
        compare that date.
    type: raw
  ended_before:
    description:
      - Only the sessions that ended before this time (C(EndTime <)). Same formats as O(created_after).
      - Running sessions never match, as for O(ended_after).
      - Must be later than O(ended_after) when both are set.
    type: raw
  min_total_size:
    description:
      - Only the sessions whose total size is at least this (C(TotalSize >=)).
      - A number of bytes, or a number with a unit - decimal V(kB), V(MB), V(GB), V(TB), V(PB)
        or binary V(KiB), V(MiB), V(GiB), V(TiB), V(PiB), for example V(10GB) or V(1.5TiB).
    type: raw
  max_total_size:
    description:
      - Only the sessions whose total size is at most this (C(TotalSize <=)). Same formats as O(min_total_size).
    type: raw
  filter:
    description:
      - A raw EM filter expression, ANDed with the typed options above, for what they cannot express,
        for example V(Result>Success) (enum comparison by position) or V((Result==Failed,State==InProgress)).
      - The expression is checked before any request - balanced parentheses and quotes, known field
        names and operators, valid enum, number and date values. Mixing C(;) and C(,) on one level
        needs parentheses, and values with spaces need double quotes (a C(") inside them is written C("")).
    type: str
  sort_by:
    description:
      - EM field to sort the sessions by (on the server).
    type: str
    default: CreationTime
    choices:
      - UID
      - Name
      - CreationTime
      - EndTime
      - State
      - Result
      - Reason
      - TotalSize
      - JobSessionUid
      - JobUid
      - JobName
      - BackupServerUid
      - BackupServerName
      - VmDisplayName
  sort_order:
    description:
      - V(descending) lists the newest (or largest) first.
    type: str
    default: descending
    choices: [descending, ascending]
  limit:
    description:
      - Return at most this many sessions, the first ones in the order of O(sort_by) and O(sort_order).
      - Whether more sessions matched is returned as C(truncated) by the module.
      - Omit it to return every matching session.
    type: int
  jmespath:
    description:
      - A JMESPath expression applied to the list of normalized sessions, for example
        V([?result=='Failed'].vm_name).
      - It sees complete sessions (every key), whatever O(fields) says.
      - The expression is checked before any request.
    type: str
  fields:
    description:
      - The keys of each returned session, in this order; omitted or empty means every key.
      - Fewer keys cost less memory and make large results much faster to hand back to Ansible.
      - O(jmespath) and the module's C(summary) still see complete sessions.
    type: list
    elements: str
    choices: [uid, id, name, vm_name, state, result, reason, creation_time, end_time, duration_seconds,
              total_size, job_session_uid, job_session_name, job_name, backup_server_name, backup_server_uid, href]
notes:
  - Options that take a list also accept a single string, which is split at commas.
    Use a YAML list for a value that contains a comma.
  - All times are UTC, as EM stores them.
requirements:
  - requests
  - jmespath (only for O(jmespath))
"""

    PAGING = r"""
options:
  page_size:
    description:
      - Sessions requested per page (between 1 and 10000).
    type: int
    default: 500
  concurrency:
    description:
      - How many pages are fetched in parallel after the first page of a query (between 1 and 16).
    type: int
    default: 4
"""
