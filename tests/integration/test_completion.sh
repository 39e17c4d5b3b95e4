#!/bin/bash
# Bash completion (issue 18, item 6): in a bash subshell, the completion
# function completes commands, options, method ids, a loop device this test
# made and the ledger's job ids; cmake --install puts the script where
# bash-completion looks, and the example config under share/doc/kesu.
source "$(dirname "$0")/lib.sh"

SRC=${KESU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SCRIPT="$SRC/src/cli/completion/kesu.bash"
DEV=$(attach "$(make_image disk.img 1M)")

# complete WORD...: what the completion function offers for the last word,
# one per line, from a fresh bash (as a shell that sourced the script).
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		complete -p kesu >/dev/null || exit 1
		_kesu; printf "%s\n" "${COMPREPLY[@]}"' _ "$SCRIPT" "$@"
}

out=$(complete_words "$KESU" wi)
check "kesu wi -> wipe" test "$out" = wipe
out=$(complete_words "$KESU" "")
check "every command is offered (list ... demo)" grep -qx demo <<<"$out"
check "approval is offered" grep -qx approval <<<"$out"
out=$(complete_words "$KESU" wipe --method d)
check "--method d -> the d... methods" test "$(tr '\n' ' ' <<<"$out")" = "dod-3pass dod-ece-7pass "
out=$(complete_words "$KESU" wipe --method nvme-s)
check "--method nvme-s -> the NVMe sanitize methods" test "$(wc -l <<<"$out")" -eq 3
out=$(complete_words "$KESU" wipe --veri)
check "wipe --veri -> --verify, --verify-passes, --verify-percent" \
	test "$(tr '\n' ' ' <<<"$out")" = "--verify --verify-passes --verify-percent "
out=$(complete_words "$KESU" wipe /dev/loo)
check "a device argument -> the loop device made here ($DEV)" grep -qx "$DEV" <<<"$out"
check "only whole drives under /dev are offered" test -z "$(grep -v '^/dev/' <<<"$out")"
out=$(complete_words "$KESU" ledger "")
check "ledger -> its subcommands" test "$(tr '\n' ' ' <<<"$out")" = "abandon export list push show status verify "
out=$(complete_words "$KESU" wipe --class "")
check "--class -> I II III" test "$(tr '\n' ' ' <<<"$out")" = "I II III "

# A ledger record's job id, for ledger show.
"$KESU" wipe --yes --method zero --verify none "$DEV" >/dev/null 2>&1 || true
job=$("$KESU" ledger list --json | jq -r '.records[0].job_id')
out=$(complete_words "$KESU" ledger show "${job:0:6}")
check "ledger show JOB -> the job id ($job)" grep -qx "$job" <<<"$out"
out=$(complete_words "$KESU" ledger show 1)
check "ledger show 1 -> record 1" grep -qx 1 <<<"$out"

# cmake --install: the completion and the example config.
BUILD=$(dirname "$KESU")
if [ -f "$BUILD/cmake_install.cmake" ]; then
	cmake --install "$BUILD" --prefix "$WORK/inst" >/dev/null
	check "installed: the completion, as share/bash-completion/completions/kesu" \
		test -f "$WORK/inst/share/bash-completion/completions/kesu"
	check "installed: share/doc/kesu/kesu.conf.example" test -f "$WORK/inst/share/doc/kesu/kesu.conf.example"
	check "installed: the policy the example names" test -f "$WORK/inst/share/doc/kesu/policy-example.conf"
else
	not_ok "no build directory beside $KESU to install from"
fi
finish
