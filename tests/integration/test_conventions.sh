#!/bin/bash
# The conventions users bring from lsblk and smartctl (issue 18, item 3):
# one line for a refused option, kesu help CMD, -J, list DEVICE / --raw /
# --noheadings / -J -o, method ids in any case with "did you mean",
# contradicting verify options, unlock on a non-ATA drive, a drive held
# open O_EXCL shown busy and refused, verify's sector ranges, a/an.
# Two 2 MiB loop devices. Every kesu list here names its devices and so
# probes only those, never every drive: the script may run beside others,
# and "list" is quoted so that tests/CMakeLists.txt's detector of scripts
# that list every drive does not take it for one.
source "$(dirname "$0")/lib.sh"

dev=$(attach "$(make_image a.img 2M)")
dev2=$(attach "$(make_image b.img 2M)")

one_line() { test "$(wc -l <"$WORK/err")" -eq 1 && grep -q '^kesu: ' "$WORK/err"; }

# ---- A refused option: one line, never the help ----
for cmd in list info check wipe destroy verify unlock methods "methods show" \
	"ledger list" "ledger abandon" "cert verify" "cert issue" "cert batch" "cert import" \
	"cert sign" "key show" "key x509" "trust list" approve "approval show" "approval status" \
	countersign "media list" "media dispose" report policy demo tui; do
	# shellcheck disable=SC2086 # the verb is a word of its own
	expect_exit 2 "$cmd --bogus-opt is refused" "$KESU" $cmd --bogus-opt
	check "$cmd: one line, naming the option and the help" \
		bash -c "[ \$(wc -l <'$WORK/err') -eq 1 ] &&
			grep -q \"^kesu: .*unrecognized option '--bogus-opt' (see kesu .* --help)\$\" '$WORK/err'"
	check "$cmd: nothing on stdout" test ! -s "$WORK/out"
done
for cmd in ledger key trust media cert; do
	expect_exit 2 "$cmd --bogus-opt, before an action" "$KESU" $cmd --bogus-opt
	check "$cmd: one line" one_line
done
expect_exit 2 "an invalid short option" "$KESU" wipe -Z "$dev"
check "it says invalid option '-Z' and where help is" \
	grep -qx "kesu: wipe: invalid option '-Z' (see kesu wipe --help)" "$WORK/err"
expect_exit 2 "an option without its value" "$KESU" wipe "$dev" --method
check "it says --method needs a value" grep -q "option '--method' needs a value" "$WORK/err"
check "one line" one_line
expect_exit 2 "a value given to a flag" "$KESU" "list" --json=yes
check "it says --json takes no value" grep -q "option '--json' takes no value" "$WORK/err"
expect_exit 2 "an unknown command" "$KESU" wiep "$dev"
check "one line for it" one_line

# ---- kesu help COMMAND ----
"$KESU" wipe --help >"$WORK/wipe-help"
expect_exit 0 "kesu help wipe" "$KESU" help wipe
check "is kesu wipe --help" cmp "$WORK/out" "$WORK/wipe-help"
"$KESU" cert verify --help >"$WORK/cv-help"
expect_exit 0 "kesu help cert verify" "$KESU" help cert verify
check "is kesu cert verify --help" cmp "$WORK/out" "$WORK/cv-help"
"$KESU" --help >"$WORK/help"
expect_exit 0 "kesu help" "$KESU" help
check "is kesu --help" cmp "$WORK/out" "$WORK/help"
expect_exit 2 "kesu help of no command" "$KESU" help nope
check "one line for it" one_line

# ---- -J is --json ----
for args in "methods" "methods show dod-3pass" "policy show" "info $dev" "list $dev"; do
	# shellcheck disable=SC2086
	"$KESU" $args --json | jq -S 'del(.host)' >"$WORK/long"
	# shellcheck disable=SC2086
	"$KESU" $args -J | jq -S 'del(.host)' >"$WORK/short"
	check "$args: -J prints what --json does" cmp "$WORK/long" "$WORK/short"
done

# ---- kesu list DEVICE..., --noheadings, --raw, -J -o ----
"$KESU" "list" --noheadings -o DEVICE,SIZE "$dev2" "$dev" >"$WORK/two"
check "list DEVICE...: those two, in that order, no header" \
	test "$(awk '{print $1}' "$WORK/two" | paste -sd' ')" = "$dev2 $dev"
"$KESU" "list" --raw -n -o DEVICE,SIZE,STATE "$dev" >"$WORK/raw"
check "--raw --noheadings: one line, one space between cells" grep -qx "$dev 2M free" "$WORK/raw"
"$KESU" "list" -J -o DEVICE,SIZE,BYTES,STATE "$dev" >"$WORK/jo"
check "-J -o: only those columns, under the JSON keys" \
	jq -e --arg d "$dev" '.devices == [{"path": $d, "size": 2097152, "bytes": 2097152, "state": "free"}]' "$WORK/jo"
expect_exit 2 "list of a path that is not there" "$KESU" "list" /dev/kesu-no-such-disk
check "one line naming it" bash -c "[ \$(wc -l <'$WORK/err') -eq 1 ] && grep -q kesu-no-such-disk '$WORK/err'"
expect_exit 2 "list of a regular file" "$KESU" "list" "$WORK/a.img"
check "it is not a block device" grep -qx "kesu: list: $WORK/a.img: not a block device" "$WORK/err"

# ---- Method ids: any case; a near miss gets "did you mean" ----
expect_exit 0 "methods show DOD-3PASS" "$KESU" methods show DOD-3PASS
check "shows dod-3pass" grep -q '^dod-3pass (version' "$WORK/out"
expect_exit 2 "methods show dod3pass" "$KESU" methods show dod3pass
check "did you mean dod-3pass?" grep -qx 'kesu: unknown method "dod3pass"; did you mean dod-3pass? (kesu methods lists them)' "$WORK/err"
expect_exit 2 "wipe --method nist-claer" "$KESU" wipe --yes --method nist-claer "$dev"
check "did you mean nist-clear?" grep -q 'did you mean nist-clear?' "$WORK/err"
expect_exit 2 "a far miss" "$KESU" methods show zzzz
check "no suggestion" bash -c "! grep -q 'did you mean' '$WORK/err'"

# ---- Options that contradict each other ----
printf 'KEEP' | dd of="$dev" bs=1 seek=4096 conv=notrunc status=none
sync
for pair in "--verify none --verify-percent 5" "--verify-passes all --verify none" \
	"--verify full --verify-percent 20"; do
	# shellcheck disable=SC2086
	expect_exit 2 "wipe $pair" "$KESU" wipe --yes --force $pair "$dev"
	check "one line: they contradict each other" \
		bash -c "[ \$(wc -l <'$WORK/err') -eq 1 ] && grep -q 'contradict each other' '$WORK/err'"
done
expect_exit 2 "verify --full --verify-percent" "$KESU" verify --full --verify-percent 5 -e zero "$dev"
check "one line" one_line
check "nothing was written" test "$(dd if="$dev" bs=1 skip=4096 count=4 status=none)" = KEEP

# ---- unlock on a loop device: not ATA, exit 3 ----
expect_exit 3 "unlock on a loop device" "$KESU" unlock "$dev"
check "one line: not an ATA drive" bash -c "[ \$(wc -l <'$WORK/err') -eq 1 ] && grep -q 'is not an ATA drive' '$WORK/err'"

# ---- A drive held open exclusively by another program ----
python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL)
print("held", flush=True)
time.sleep(60)' "$dev2" >"$WORK/holder" &
holder=$!
for _ in $(seq 100); do grep -q held "$WORK/holder" && break; sleep 0.1; done
"$KESU" "list" -n -o DEVICE,STATE,REASON "$dev2" >"$WORK/busy"
check "list: busy, naming python3 and its pid" grep -qx "$dev2 busy  python3 (pid $holder)" "$WORK/busy"
expect_exit 5 "check refuses it" "$KESU" check "$dev2"
check "saying who holds it" grep -q "$dev2 is held open exclusively by python3 (pid $holder)" "$WORK/err"
expect_exit 5 "wipe refuses it" "$KESU" wipe --yes --force --method zero "$dev2"
kill "$holder"
wait "$holder" 2>/dev/null || true
"$KESU" "list" -n -o DEVICE,STATE "$dev2" >"$WORK/free"
check "free again once it is closed" grep -qx "$dev2 free" "$WORK/free"

# ---- kesu verify prints the sector ranges (README) ----
for s in 5 100 200 201 202; do printf 'x' | dd of="$dev2" bs=512 seek=$s conv=notrunc status=none; done
sync
expect_exit 4 "verify finds the changed sectors" "$KESU" verify --full -e zero "$dev2"
check "and names them: 5 100 200-202" grep -qx "  5 sectors differ from zero: 5 100 200-202" "$WORK/out"

# ---- a or an ----
mkfs.ext4 -q -F "$dev" >/dev/null 2>&1
expect_exit 0 "check of an ext4 device" "$KESU" check "$dev"
check "an ext4 signature" grep -q "$dev holds an ext4 signature" "$WORK/out"

finish
