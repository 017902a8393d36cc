#!/usr/bin/env bash
# Build the collection's HTML documentation (plugin docs + docs/docsite guides) offline with
# antsibull-docs and Sphinx. Output: docs/build/html/index.html (or --dest DIR).
#
#   tools/docs.sh [--dest DIR] [--collections-path DIR]
#
# --collections-path: a directory holding ansible_collections/veeam_em/query already staged
# (tools/test.sh passes its own); without it the work tree is staged into a temporary directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest="$ROOT/docs/build/html"
colls=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --dest) dest="$2"; shift 2 ;;
    --collections-path) colls="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

ensure_venv "$VENV" "$(python311)" "$ANSIBLE_CORE_DEFAULT"

work="$(mktemp -d "${TMPDIR:-/tmp}/veeam_em_query-docs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [ -z "$colls" ]; then
  colls="$work/collections"
  stage_collection "$colls" >/dev/null
fi
export ANSIBLE_COLLECTIONS_PATH="$colls"
export PATH="$VENV/bin:$PATH"

site="$work/site"
mkdir -m 0755 "$site"   # antsibull-docs insists on an existing directory only its owner can write
# --fail-on-error: a plugin whose docs do not parse fails the build instead of becoming an
# "error page" nobody notices.
antsibull_quiet_cfg "$work/logging.cfg"
antsibull-docs --config-file "$work/logging.cfg" sphinx-init --use-current --fail-on-error --dest-dir "$site" \
  --project veeam_em.query --copyright "veeam_em.query developers" \
  --title "veeam_em.query documentation" --html-short-title "veeam_em.query" \
  veeam_em.query >/dev/null || die "antsibull-docs sphinx-init failed"

# A title that says what this is, instead of the template's "Welcome to my Ansible collection documentation".
sed -i -e 's/^Welcome to my Ansible collection documentation$/veeam_em.query documentation/' \
       -e 's/^==============================================$/============================/' "$site/rst/index.rst"

# Offline: the generated conf.py fetches intersphinx inventories from docs.python.org and
# docs.ansible.com, and `-W` turns the failed downloads into errors. The plugin pages also link to
# labels of the Ansible docsite (common_return_values, ...) that only exist there (tooling.md,
# gotcha 9).
cat >>"$site/conf.py" <<'EOF'

# Added by tools/docs.sh: build offline.
intersphinx_mapping = {}
intersphinx_disabled_reftypes = ["*"]
suppress_warnings = ["ref.ref"]
EOF

# build.sh passes its antsibull-docs.cfg to antsibull-docs; keep its log out of ~/antsibull.log too.
cat "$work/logging.cfg" >>"$site/antsibull-docs.cfg"

log "building HTML documentation"
start=$SECONDS
bash "$site/build.sh"
[ -f "$site/build/html/index.html" ] || die "Sphinx produced no index.html"

# suppress_warnings above hides every undefined :ref:, our own broken ones too. So check the refs
# of the guides against the labels this build defined (Sphinx lower-cases labels).
labels="$(python -m sphinx.ext.intersphinx "$site/build/html/objects.inv" \
          | awk '/^std:label$/ { f = 1; next } /^[^ ]/ { f = 0 } f { print tolower($1) }')"
missing=""
# shellcheck disable=SC2016  # the backticks are literal RST syntax, not command substitution
for ref in $(cat "$colls"/ansible_collections/veeam_em/query/docs/docsite/rst/*.rst 2>/dev/null \
             | grep -oE ':ref:`[^`]+`' | sed -E 's/^:ref:`//; s/`$//; s/.*<([^>]+)>$/\1/' | tr '[:upper:]' '[:lower:]' | sort -u); do
  grep -qxF "$ref" <<<"$labels" || missing="$missing $ref"
done
[ -z "$missing" ] || die "docs/docsite/rst refers to labels that do not exist:$missing"

rm -rf "$dest"; mkdir -p "$dest"
cp -a "$site/build/html/." "$dest/"
echo "HTML documentation: $dest/index.html ($(find "$dest" -name '*.html' | wc -l) pages, $((SECONDS - start)) s)"
