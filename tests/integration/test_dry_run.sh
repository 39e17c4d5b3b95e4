#!/bin/bash
# kesu wipe --dry-run (issue 18, item 6): every check that fails in the real
# run fails in the dry run with the same exit status, and a dry run changes
# neither the drive's bytes nor the ledger (sha256 before and after).
source "$(dirname "$0")/lib.sh"

IMG=$(make_image disk.img 1M)
head -c 1M /dev/urandom >"$IMG"
DEV=$(attach "$IMG")
sums() { sha256sum "$DEV" | cut -c1-64; [ -f "$LEDGER" ] && sha256sum "$LEDGER" | cut -c1-64; true; }

# same_refusal WHAT ARGS...: the dry run and the real run exit alike, and
# neither wrote anything
same_refusal() {
	local what=$1 before dry real
	shift
	before=$(sums)
	dry=0; "$KESU" wipe -n "$@" >"$WORK/dry.out" 2>"$WORK/dry.err" || dry=$?
	check "$what: the dry run changed nothing" test "$(sums)" = "$before"
	real=0; "$KESU" wipe "$@" >/dev/null 2>"$WORK/real.err" || real=$?
	if [ "$dry" -eq "$real" ] && [ "$dry" -ne 0 ]; then
		ok "$what: the dry run fails as the real run does (exit $dry)"
	else
		not_ok "$what: dry run exit $dry, real run exit $real: $(head -c 300 "$WORK/dry.err")"
	fi
	check "$what: the dry run says why as the real run does" cmp -s "$WORK/dry.err" "$WORK/real.err"
}

# A new station: nothing may be created by a dry run.
before=$(sums)
expect_exit 0 "a dry run of a new station's first wipe" "$KESU" wipe -n --yes "$DEV"
check "it says what would be done" grep -q "would be erased with dod-3pass (3 passes); nothing was written" "$WORK/out"
check "it lists the checks made" grep -q "ledger .*would be created" "$WORK/out"
check "the drive's bytes are unchanged" test "$(sums)" = "$before"
check "no ledger was made" test ! -e "$LEDGER"
check "no station key was made" test ! -e "$XDG_CONFIG_HOME/kesu/station.key"
expect_exit 0 "--dry-run --json" "$KESU" wipe --dry-run --json --yes "$DEV"
check "--json: a report with the exit status and the checks" \
	jq -e '.dry_run == true and .exit_status == 0 and ([.checks[].check] | index("ledger") != null)
		and ([.checks[].check] | index("key") != null) and .would_erase[0].method == "dod-3pass"' "$WORK/out"

same_refusal "no operator" --yes --operator "" "$DEV" </dev/null
KESU_CONFIG=/dev/null same_refusal "no operator (no config)" --yes "$DEV"
same_refusal "class II without an approval (policy)" --yes --class II "$DEV"
same_refusal "not confirmed (no terminal)" "$DEV" </dev/null
head -c 64 /dev/urandom >"$WORK/bad.key"
same_refusal "a signing key that does not load" --yes --key "$WORK/bad.key" "$DEV"

# An unfinished job (a real run stopped after its first pass): the dry run
# would resume it, and refuses another method as the real run does.
"$KESU" wipe --yes --stop-after-pass 1 "$DEV" >/dev/null 2>&1 || true
before=$(sums)
expect_exit 0 "a dry run with an unfinished job" "$KESU" wipe -n --yes "$DEV"
check "it would resume the job" grep -q "would be resumed at pass 1" "$WORK/out"
check "the drive and the ledger are unchanged" test "$(sums)" = "$before"
same_refusal "an unfinished job of another method" --yes --method zero "$DEV"

# The gate: a filesystem without --force.
mkfs.vfat "$DEV" >/dev/null 2>&1
same_refusal "a drive holding a filesystem, --yes without --force" --yes "$DEV"
finish
