#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# Only valid input is signed (issue 12 D1-D3): kesu wipe refuses bad record
# fields, bad config files and bad numbers with exit 2 and a one-line
# error naming the flag or FILE:LINE, before anything is written or
# recorded; valid values reach the signed record whole.
source "$(dirname "$0")/lib.sh"

img=$(make_image input.img 4M)
head -c 4M /dev/urandom >"$img"
before=$(sha256sum "$img" | cut -d' ' -f1)

# refused DESCRIPTION PATTERN ARGS...: kesu wipe ARGS exits 2, says
# PATTERN on stderr in one line, writes nothing and records nothing.
refused() {
	local what=$1 pattern=$2
	shift 2
	expect_exit 2 "$what" timeout 20 "$KESU" wipe --yes --method nist-clear "$@" "$img"
	check "$what: the error says $pattern" grep -qF -- "$pattern" "$WORK/err"
	check "$what: the error is one line" test "$(wc -l <"$WORK/err")" -eq 1
	check "$what: the image is unchanged" test "$(sha256sum "$img" | cut -d' ' -f1)" = "$before"
	check "$what: nothing in the ledger" test "$(rows)" = 0
}

rows() {
	if [ -e "$LEDGER" ]; then sqlite3 "$LEDGER" 'SELECT count(*) FROM jobs'; else echo 0; fi
}

long() { # long TEXT N: TEXT repeated N times
	local s="" i
	for ((i = 0; i < $2; i++)); do s+=$1; done
	printf '%s' "$s"
}

# ---- D1: the record's fields ----
refused "--operator that is not UTF-8" "--operator: is not valid UTF-8" --operator $'\xff\xfe'
refused "--operator with a control character" "--operator: has a control character (U+001B)" \
	--operator $'Yamada\e[2J'
refused "--operator with a newline" "--operator: has a control character (U+000A)" --operator $'Yamada\nForged'
refused "--approver with a C1 character" "--approver: has a control character (U+0085)" --approver $'A\xc2\x85B'
refused "--operator of white space only" "--operator: is empty or only white space" --operator '   '
refused "--operator of ideographic spaces only" "--operator: is empty or only white space" \
	--operator $'\xe3\x80\x80\xe3\x80\x80'
refused "--operator of 65 characters" "--operator: is 65 characters long; at most 64 fit" \
	--operator "$(long 山 65)"
refused "--organisation of 300 bytes (ASCII words)" "--organisation: is 300 characters long; at most 128 fit" \
	--organisation "$(long 'abcd ' 59)abcde"
refused "--organization (the other spelling) names itself" "--organization: is 129 characters long" \
	--organization "$(long 高 129)"
refused "a token too long for a line" "columns without a space; at most 32 fit" \
	--location "Room $(long X 33)"
refused "--phone of 33 characters" "--phone: is 33 characters long; at most 32 fit" --phone "$(long 1 33)"
refused "--asset with a 65-character number" "--asset: is 65 characters long; at most 64 fit" \
	--asset "$(long 9 65)"
refused "--asset with an empty number" "--asset: an empty asset number" --asset 'A-1,'
refused "--class 2" "--class: \"2\" is not I, II or III" --class 2
refused "--purpose sale" "--purpose: \"sale\" is not disposal, lease-return, repair or reuse" --purpose sale
expect_exit 2 "a DEVICE path that is not UTF-8" "$KESU" wipe --yes --method nist-clear "$WORK/$(printf 'x\xff.img')"
check "the error names DEVICE" grep -q '^kesu: DEVICE ".*\\xFF.img": is not valid UTF-8' "$WORK/err"

# ---- D3: numbers ----
for opt in --retries --stop-after-pass --poll-interval --verify-percent --checkpoint-interval \
	--request-size; do
	for bad in '' -1 4294967297 1e3 12abc ' 5' 0x10; do
		refused "$opt '$bad'" "$opt: \"$bad\" is not" "$opt" "$bad"
	done
done
check "the message says the range" grep -qF -- '--request-size: "0x10" is not a multiple of 4K' "$WORK/err"
refused "--retries past 100" '--retries: "101" is not a number from 0 to 100' --retries 101
refused "--verify-percent with two decimals" "--verify-percent: \"12.55\" is not a number from 1 to 100" \
	--verify-percent 12.55
refused "--stop-after-pass 0" '--stop-after-pass: "0" is not a number from 1 to 64' --stop-after-pass 0
for bad in '' -1 1e3 12abc; do
	expect_exit 2 "kesu verify --verify-percent '$bad'" "$KESU" verify --expect zero --verify-percent "$bad" "$img"
	check "kesu verify --verify-percent '$bad': named" grep -qF -- "--verify-percent: \"$bad\" is not" "$WORK/err"
done
expect_exit 2 "kesu verify --operator not UTF-8" "$KESU" verify --expect zero --operator $'\xff' "$img"
check "kesu verify names --operator" grep -qF -- "--operator: is not valid UTF-8" "$WORK/err"
# Good numbers still pass (the gate and confirmation run; nothing is written).
expect_exit 0 "good numbers are accepted (--dry-run)" "$KESU" wipe --yes --dry-run --method nist-clear \
	--retries 0 --stop-after-pass 1 --poll-interval 500 --verify-percent 12.5 \
	--checkpoint-interval 0.25 --request-size 64K "$img"

# ---- D2: the config file ----
conf="$WORK/bad.conf"
config_refused() { # config_refused DESCRIPTION PATTERN: with KESU_CONFIG=$conf
	local what=$1 pattern=$2
	KESU_CONFIG=$conf refused "$what" "$pattern"
}
printf 'operator = A\norganisation = B\noperator = C\n' >"$conf"
config_refused "a duplicate key" "$conf:3: duplicate key \"operator\", first at line 1"
printf 'operator = A\nclass = 2\n' >"$conf"
config_refused "class = 2" "$conf:2: class: \"2\" is not I, II or III"
printf 'operator = A\ndate_style = meiji\n' >"$conf"
config_refused "date_style = meiji" "$conf:2: date_style: \"meiji\" is not western or era"
printf 'operator = A\n# fine\norganisation = \xff\xfe\n' >"$conf"
config_refused "a line that is not UTF-8" "$conf:3: not valid UTF-8"
printf 'operator = A\norganisation = B\x07\n' >"$conf"
config_refused "a control character" "$conf:2: a control character (U+0007)"
printf 'operator = %s\n' "$(long 山 65)" >"$conf"
config_refused "an operator too long" "$conf:1: operator: is 65 characters long; at most 64 fit"
printf 'operator =    \n' >"$conf"
config_refused "an operator of white space" "$conf:1: operator: is empty or only white space"
mkdir "$WORK/conf.d"
conf="$WORK/conf.d"
config_refused "a directory" "$conf: not a regular file (a directory)"
conf=/dev/null
config_refused "a device" "/dev/null: not a regular file (a character device)"
conf="$WORK/conf.fifo"
mkfifo "$conf"
# A FIFO nobody writes to: a plain open() waits forever (timeout: exit 124).
config_refused "a FIFO, without waiting on it" "$conf: not a regular file (a FIFO)"

# ---- What is accepted is signed whole ----
ledger_field() { # ledger_field JQ: from the newest record
	sqlite3 "$LEDGER" 'SELECT record FROM jobs WHERE record IS NOT NULL ORDER BY seq DESC LIMIT 1' | jq -r "$1"
}
conf="$WORK/good.conf"
printf '\xef\xbb\xbfoperator = 山田 太郎\r\norganisation = 高松市  # city\r\n' >"$conf"
printf 'department = No.#3 \\# not a comment\n# a comment line\n   # an indented one\n' >>"$conf"
printf 'location = 本庁舎\xe3\x80\x80# after an ideographic space\nclass = III\n' >>"$conf"
printf 'date_style = era\nclass_label = 重要性分類\n' >>"$conf"
org300=$(long 高 100) # 300 bytes, 100 characters: within the limit
expect_exit 0 "a wipe with a BOM, CRLF and comments in the config" env KESU_CONFIG="$conf" \
	"$KESU" wipe --yes --method nist-clear --phone ' 087-839-2111 ' --asset 'A-1' "$img"
check "the BOM did not hide the first key" test "$(ledger_field .operator.name)" = "山田 太郎"
check "the comment is not in the organisation" test "$(ledger_field .organisation.name)" = "高松市"
check "# inside a word and \\# are kept" test "$(ledger_field .organisation.department)" = "No.#3 # not a comment"
check "a comment after an ideographic space" test "$(ledger_field .organisation.location)" = "本庁舎"
check "spaces around a flag's value are dropped" test "$(ledger_field .organisation.phone)" = "087-839-2111"
expect_exit 0 "a 300-byte organisation within the limit" env KESU_CONFIG="$conf" \
	"$KESU" wipe --yes --method nist-clear --organisation "$org300" \
	--asset ' A-1 ' "$img"
check "it is signed whole, not cut at 255 bytes" test "$(ledger_field .organisation.name)" = "$org300"
check "the asset number lost its spaces" test "$(ledger_field .media.asset_number)" = "A-1"
check "the ledger verifies" "$KESU" ledger verify

# A device path that is not UTF-8 would go into the signed record: refused
# before anything is opened for writing.
bad_path="$WORK/"$'\xff'"drive.img"
truncate -s 1M "$bad_path"
sum=$(sha256sum "$bad_path" | cut -d' ' -f1)
expect_exit 2 "a device path that is not UTF-8 is refused" "$KESU" wipe --yes --force --progress none "$bad_path"
check "it says why" grep -q "not valid UTF-8" "$WORK/err"
ln -s "$bad_path" "$WORK/good-name.img"
expect_exit 5 "a good name that leads to a path that is not UTF-8 is refused by the gate" \
	"$KESU" wipe --yes --force --progress none "$WORK/good-name.img"
check "the gate says why" grep -q "path is not valid UTF-8" "$WORK/err"
check "the image is unchanged" test "$(sha256sum "$bad_path" | cut -d' ' -f1)" = "$sum"

finish
