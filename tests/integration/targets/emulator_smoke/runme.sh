#!/usr/bin/env bash
# Proves the setup_emulator harness: start the emulator over TLS, talk to it with
# ansible.builtin.uri (certificate verified against the emulator's CA), compare with the dump,
# log out, and check that no logon session leaked.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh

# Negative control: a logon without a logout must be reported, or the final check proves nothing.
start_emulator --sessions 50 --seed 5
ansible-playbook leak.yml -e @"$EMU_VARS_FILE" "$@"
if assert_no_leaked_sessions; then
  echo "assert_no_leaked_sessions did not notice a leaked logon session" >&2
  exit 1
fi

# The real run, on a fresh emulator (start_emulator stops the previous one). smoke.yml reads
# EM's JSON by hand in PascalCase, so this emulator answers as EM 12 whatever EMU_EM_VERSION says.
start_emulator --sessions 400 --seed 5 --em-version 12

# Evidence for the harness README: where ansible-test points ANSIBLE_COLLECTIONS_PATH.
echo "ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-unset} launcher=${EMU_LAUNCHER_PATH}"

ansible-playbook smoke.yml -e @"$EMU_VARS_FILE" -e emu_dump="$EMU_DUMP" "$@"

emulator_stats
assert_no_leaked_sessions
