#!/bin/bash
# kesu tui, driven through tmux on an 80x25 vt100 screen: the drive list,
# the gate's refusal of a mounted drive, the results-location warning for
# a ledger in RAM, a wrong confirmation (nothing written), and a full run
# with method zero on two loop devices, checked afterwards on the host.
# Then the progress lines the UI reads (whole-job fields, short numbers),
# a drive with an unfinished job (resume or restart), and a method that
# reads nothing back (no certificate: said before, and after as exit 7).
source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/lib_tmux.sh"

expect_exit 1 "without a terminal" "$KESU" tui </dev/null
check "it says so" grep -q "kesu: tui: standard input is not a terminal" "$WORK/err"
expect_exit 2 "an unknown option" "$KESU" tui --bogus

size=$((8 << 20))
img1=$(make_image a.img 8M)
img2=$(make_image b.img 8M)
img3=$(make_image m.img 16M)
head -c "$size" /dev/urandom | dd of="$img1" conv=notrunc status=none
head -c "$size" /dev/urandom | dd of="$img2" conv=notrunc status=none
cp "$img1" "$WORK/a.orig"
cp "$img2" "$WORK/b.orig"
dev1=$(attach "$img1")
dev2=$(attach "$img2")
dev3=$(attach "$img3")
mkfs.ext4 -q "$dev3"
mount_dev "$dev3" "$WORK/mnt"
# The results go to a tmpfs: the warning about losing them must show.
mount_dev tmpfs "$WORK/ram" -t tmpfs -o size=32M
L="$WORK/ram/ledger.sqlite"
C="$WORK/ram/certs"
K="$WORK/ram/station.key"

tm new-session -d -s "$SESSION" -x 80 -y 25 \
	"XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' TERM=vt100 \
	 '$KESU' tui --ledger '$L' --cert-dir '$C' --key '$K' $dev1 $dev2 $dev3; \
	 echo EXIT=\$? > '$WORK/exit'; sleep 60"

expect_screen "the drive list shows" "$dev3"
check "$dev1 listed with its size" grep -Eq "^ *\[ \] $dev1 +loop +[a-z]+ +8M " <(pane)
check "$dev2 listed with its size" grep -Eq "^ *\[ \] $dev2 +loop +[a-z]+ +8M " <(pane)
check "$dev3 listed as mounted, not selectable" grep -Eq "^ *- +$dev3 +loop +[a-z]+ +16M .* mounted " <(pane)
check "the header is one whole row" grep -Eq "DEVICE +TRAN +TYPE +SIZE +MODEL +SERIAL +STATE +HEALTH +PURGE" <(pane)
pane >"$WORK/screen-list"
check "no line of the 80x25 screen is longer than 80 columns" \
	awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$WORK/screen-list"

keys Down Down Space
expect_screen "Space on the mounted drive gives the gate's reason" "Cannot select: $dev3 is mounted on"
check "and does not select it" grep -q "0 selected" <(pane)
keys Up Up Space Down Space
expect_screen "two drives selected" "2 selected"

keys Enter
expect_screen "the job form" "Operator *   Test Operator"
form_zero_full
keys Enter
expect_screen "a ledger in RAM is called out" "Results will be LOST at power-off: $L"
check "it says the place is in memory" grep -q "is in memory ($WORK/ram)" <(pane)
for i in $(seq 40); do keys Down; done
keys Up Enter
expect_screen "NO PROOF is asked for" "Type NO PROOF"
keys "NO PROOF" Enter
expect_screen "the confirmation lists the drives" "Type ERASE to go ahead"
check "both drives are listed on it" grep -q "$dev2" <(pane)
keys "erase" Enter
expect_screen "a wrong answer goes back to the form" "Not confirmed (ERASE was not typed)"
# Issue 18: ERASE + Enter retyped on the form (the cursor is on Method)
# must not change the method.
keys "ERASE" Enter
expect_screen "Enter on a choice says it does not change it" "Enter does not change it"
check "the method is still zero" grep -q "Method *< zero >" <(pane)
check "nothing was written to $dev1" cmp -s "$img1" "$WORK/a.orig"
check "nothing was written to $dev2" cmp -s "$img2" "$WORK/b.orig"
check "no ledger was even opened" test ! -e "$L"

for i in $(seq 14); do keys Down; done
keys Enter
expect_screen "confirmation again (the location was settled)" "Type ERASE to go ahead"
keys "ERASE" Enter
expect_screen "the results screen" "kesu wipe: exit status 0; every drive SUCCESS"
pane >"$WORK/screen-results"
check "$dev1 SUCCESS" grep -q "^$dev1  SUCCESS  method zero  NIST level clear" "$WORK/screen-results"
check "$dev2 SUCCESS" grep -q "^$dev2  SUCCESS  method zero  NIST level clear" "$WORK/screen-results"
# Long paths wrap at the screen's edge: join the lines to read them.
mapfile -t shown < <(tr -d '\n' <"$WORK/screen-results" | grep -o "certificate: $C/[^ ]*\.pdf" | cut -d' ' -f2)
check "two certificate paths shown" test "${#shown[@]}" -eq 2
keys q
for i in $(seq 100); do [ -s "$WORK/exit" ] && break; sleep 0.1; done
check "kesu tui exited 0" grep -qx "EXIT=0" "$WORK/exit"

check "$dev1 is all zeros" cmp -n "$size" "$dev1" /dev/zero
check "$dev2 is all zeros" cmp -n "$size" "$dev2" /dev/zero
expect_exit 0 "kesu ledger verify" "$KESU" ledger verify --ledger "$L" --pubkey "${K%.key}.pub"
certs=("$C"/*.pdf)
check "two certificates and the wipe's job summary were written" test "${#certs[@]}" -eq 3
for pdf in "${shown[@]}"; do
	expect_exit 0 "kesu cert verify $(basename "$pdf")" \
		"$KESU" cert verify --pubkey "${K%.key}.pub" --ledger "$L" "$pdf"
done
tm kill-server 2>/dev/null || true

# ---- progress lines: the whole job, short numbers ----
# A disk ledger this time (no results-location screen).
L2="$WORK/disk/ledger.sqlite"
C2="$WORK/disk/certs"
K2="$WORK/disk/station.key"
mkdir -p "$WORK/disk"
big=$((256 << 20))
img4=$(make_image d.img 256M)
dev4=$(attach "$img4")
img5=$(make_image e.img 64M)
dev5=$(attach "$img5")
# Pass 1 of dod-3pass, then stop: an unfinished job stays in the ledger.
set +e
"$KESU" wipe --yes --force --progress json --json --method dod-3pass --stop-after-pass 1 \
	--ledger "$L2" --cert-dir "$C2" --key "$K2" "$dev4" >"$WORK/first.json" 2>"$WORK/progress"
rc=$?
set -e
check "the first run stops after pass 1 (exit 6)" test "$rc" -eq 6
# progress lines only: messages are JSON lines too, {"message": ...} (docs/formats.md)
grep '^{.*"device":' "$WORK/progress" >"$WORK/progress.lines" || true
check "progress lines were printed" test -s "$WORK/progress.lines"
# json-c prints doubles with 17 digits; kesu prints at most 2 decimals.
check "no number has more than 2 decimals" \
	bash -c "! grep -Eq '[0-9]\.[0-9]{3,}' '$WORK/progress.lines'"
first=$(head -1 "$WORK/progress.lines")
last=$(tail -1 "$WORK/progress.lines")
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("null" if v is None else v)' "$1" "$2"; }
# Not the machine's uptime before the first phase: since the job began.
check "first line: elapsed_seconds is small (not uptime)" \
	python3 -c "import sys; sys.exit(not float('$(field "$first" elapsed_seconds)') < 5)"
check "first line: job_elapsed_seconds is small" \
	python3 -c "import sys; sys.exit(not float('$(field "$first" job_elapsed_seconds)') < 5)"
# 3 passes written plus one sampled read of 10 % (the last pass).
want=$((3 * big + (big + 9) / 10))
check "job_total = 3 passes + a 10 % sample ($want)" test "$(field "$first" job_total)" = "$want"
check "the old fields are still there" test "$(field "$first" passes)" = 3
check "last line: INTERRUPTED" test "$(field "$last" outcome)" = INTERRUPTED
# Pass 1 written, not read back (only the last pass is): 1 / (3 + 0.1).
pct=$(python3 -c "print('%.2f' % (100.0 * $big / $want))")
check "last line: one pass of three is done ($pct %)" test "$(field "$last" job_percent)" = "$pct"
check "last line: no time left is claimed" test "$(field "$last" job_eta_seconds)" = null
job=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobs"][0]["record"]["job_id"])' \
	"$WORK/first.json")
check "the interrupted job is open in the ledger" \
	grep -q "$job" <("$KESU" ledger list --open --json --ledger "$L2" 2>&1)

# ---- B5: the UI offers resume or restart; restart with another method ----
# The form's last field is [ Start ] (F10 is not a vt100 key).
form_start() {
	for i in $(seq 14); do keys Down; done
	keys Enter
}
tm new-session -d -s "$SESSION" -x 80 -y 25 \
	"XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' TERM=vt100 \
	 '$KESU' tui --ledger '$L2' --cert-dir '$C2' --key '$K2' $dev4 $dev5; \
	 echo EXIT=\$? > '$WORK/exit2'; sleep 60"
expect_screen "the drive list (second session)" "$dev5"
keys Space
expect_screen "the drive is selected" "1 selected"
keys Enter
expect_screen "the job form" "Operator *   Test Operator"
form_start
expect_screen "the unfinished job is offered" "An unfinished job is in the ledger"
pane >"$WORK/screen-open"
check "it names the job" grep -q "job $job" "$WORK/screen-open"
check "it names its method and how far it got" \
	grep -Eq "method dod-3pass, verify sample; reached pass [12]/3" "$WORK/screen-open"
check "Resume is offered with the job's method" grep -q "Resume: continue the job with its method dod-3pass" "$WORK/screen-open"
check "Restart is offered" grep -q "Restart: the old job is closed as ABANDONED" "$WORK/screen-open"
keys Escape
expect_screen "Esc goes back to the form" "Operator *   Test Operator"
form_method zero Left
form_start
expect_screen "the unfinished job again" "Restart: the old job is closed as ABANDONED; erase anew with zero"
keys Down Enter
# ---- C2: zero reads nothing back: said before ERASE, sampling offered ----
expect_screen "no certificate is said before the confirmation" "NO CERTIFICATE"
check "it offers sampling" grep -q "switch verification to sample" <(pane)
keys s
sleep 0.3
check "s only chooses: the screen stays" grep -q "NO CERTIFICATE" <(pane)
keys Enter
expect_screen "the confirmation" "Type ERASE to go ahead"
check "it says the old job is abandoned" grep -q "$dev4: job $job is closed as ABANDONED" <(pane)
check "no 'no certificate' line after switching to sample" bash -c "! grep -q 'NO CERTIFICATE' <(tmux -L '$TMUX_SOCK' capture-pane -p -t '$SESSION')"
keys "ERASE" Enter
expect_screen "the results screen (restart)" "kesu wipe: exit status 0; every drive SUCCESS"
check "$dev4 SUCCESS with method zero" grep -q "^$dev4  SUCCESS  method zero" <(pane)
check "$dev4 is all zeros" cmp -n "$big" "$dev4" /dev/zero
"$KESU" ledger list --open --json --ledger "$L2" >"$WORK/after-restart.json"
job_state() {
	python3 - "$WORK/after-restart.json" "$job" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["records"]:
    if r["job_id"] == sys.argv[2]:
        print(r["state"], (r["record"] or {}).get("outcome"))
PY
}
check "the old job is closed as ABANDONED (a signed record)" test "$(job_state)" = "finished ABANDONED"

# ---- B5: Resume, the default, continues the job with its own method ----
set +e
"$KESU" wipe --yes --force --json --method dod-3pass --stop-after-pass 1 \
	--ledger "$L2" --cert-dir "$C2" --key "$K2" "$dev5" >"$WORK/fifth.json" 2>/dev/null
rc=$?
set -e
check "a job on $dev5 stops after pass 1 (exit 6)" test "$rc" -eq 6
job5=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobs"][0]["record"]["job_id"])' \
	"$WORK/fifth.json")
keys r
expect_screen "back at the drive list (for resume)" "$dev5"
keys Down Space Enter
expect_screen "the form (method zero, verification sample still chosen)" "Verify       < sample >"
form_start
expect_screen "the unfinished job on $dev5 is offered" "job $job5"
keys Enter
# Its plan reads the last pass back: no no-certificate screen on the way.
expect_screen "Resume goes straight to the confirmation" "Type ERASE to go ahead"
check "it says the job is resumed" grep -q "$dev5: resumes job $job5 (dod-3pass)" <(pane)
keys "ERASE" Enter
expect_screen "the results screen (resume)" "kesu wipe: exit status 0; every drive SUCCESS"
pane >"$WORK/screen-resumed"
check "$dev5 SUCCESS with the job's method, dod-3pass" grep -q "^$dev5  SUCCESS  method dod-3pass" "$WORK/screen-resumed"
check "the same ledger job was finished" grep -q "ledger: job $job5" "$WORK/screen-resumed"
check "$dev5's last pass (random) left no block of zeros" \
	bash -c "! cmp -s -n 1048576 '$dev5' /dev/zero"

# The same drive, zero with verification none: warned, kept, exit 7.
keys r
expect_screen "back at the drive list" "$dev4"
keys Up Space Enter
expect_screen "the job form again" "Verify       < sample >"
# Resume set the form's method to the job's (dod-3pass): back to zero.
form_method zero Left
keys Down Right Right
expect_screen "verification none chosen" "Verify       < none >"
form_start
expect_screen "no certificate is said again" "reads nothing back"
keys k Enter
expect_screen "the confirmation says it too" "Verification none: written, NOT verified, NO CERTIFICATE."
keys "ERASE" Enter
expect_screen "the results screen (unverified)" "kesu wipe: exit status 7"
pane >"$WORK/screen-unverified"
check "written, not verified, no certificate" grep -q "written, NOT verified (verification none): no certificate" "$WORK/screen-unverified"
check "the title does not say erased" bash -c "! grep -q 'every drive erased' '$WORK/screen-unverified'"
check "exit 7 is explained" grep -q "written but NOT verified: no certificate" "$WORK/screen-unverified"
keys q
for i in $(seq 100); do [ -s "$WORK/exit2" ] && break; sleep 0.1; done
check "kesu tui exited 7 (no certificate), not 0" grep -qx "EXIT=7" "$WORK/exit2"
expect_exit 0 "kesu ledger verify (second ledger)" "$KESU" ledger verify --ledger "$L2" --pubkey "${K2%.key}.pub"
finish
