#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# kesu ledger list and show as people read them (issue 17 item 2): columns
# line up by display width with Japanese names and are never cut inside a
# character; -o chooses them; Japanese headers, words and labels under a
# Japanese locale; show takes SEQ, a certificate id or a job-id prefix and
# says where the certificate is.
source "$(dirname "$0")/lib.sh"
W=("$KESU" wipe --yes --force --progress none --request-size 1M)
img=$(make_image a.img 1M)
LONG="寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末" # longer than any old column

expect_exit 0 "a wipe by a Japanese operator" "${W[@]}" --method nist-clear --operator "山田 太郎" \
	--department 情報政策課 --class II --purpose lease-return --asset PC-0042 --approver "佐藤 課長" \
	--witness "鈴木 一郎" --policy "$OPEN_POLICY" "$img"
expect_exit 0 "a wipe by an ASCII operator" "${W[@]}" --method nist-clear --operator Bob --asset A-1 "$img"
expect_exit 0 "a wipe by an operator with a long Japanese name" "${W[@]}" --method dod-3pass \
	--operator "$LONG" "$img"
cert1=$(sqlite3 "$LEDGER" "SELECT json_extract(record, '\$.certificate_id') FROM jobs WHERE seq = 1")
job2=$(sqlite3 "$LEDGER" "SELECT job_id FROM jobs WHERE seq = 2")
job3=$(sqlite3 "$LEDGER" "SELECT job_id FROM jobs WHERE seq = 3")

# aligned FILE OPERATOR... : the display column where the cell after the
# operator starts (East Asian Wide and Fullwidth characters take two) is
# the same on every line (the header, then one operator per row); the
# output is strict UTF-8, so no value was cut inside a character.
aligned() {
	python3 - "$@" <<'PY'
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], "rb").read().decode("utf-8", errors="strict").splitlines()
names = sys.argv[2:]
assert len(lines) == len(names), (len(lines), len(names))
cols = set()
for line, name in zip(lines, names):
    end = line.index(name) + len(name)
    rest = line[end:]
    cols.add(width(line[:end + len(rest) - len(rest.lstrip(" "))]))
print(sorted(cols))
sys.exit(0 if len(cols) == 1 else 1)
PY
}

expect_exit 0 "ledger list" "$KESU" ledger list
check "the header names the columns" test "$(head -1 "$WORK/out" | tr -s ' ')" = \
	"SEQ TIME ASSET SERIAL OPERATOR APPROVER METHOD OUTCOME CERTIFICATE"
check "the column after the operator starts at the same display column on every line" \
	aligned "$WORK/out" OPERATOR "山田 太郎" Bob "$LONG"
check "the long name is whole" grep -qF "$LONG" "$WORK/out"
check "local time with its UTC offset" grep -qE "^1 +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} [+-][0-9]{2}:[0-9]{2} +PC-0042 " "$WORK/out"
check "row 1: operator, approver, method, outcome, certificate" \
	grep -qE "^1 .* 山田 太郎 +佐藤 課長 +nist-clear +SUCCESS +$cert1$" "$WORK/out"
check "an empty cell shows -" grep -qE "^2 .* Bob +- +nist-clear " "$WORK/out"
cp "$WORK/out" "$WORK/list-en"

LANG=ja_JP.UTF-8 expect_exit 0 "ledger list under LANG=ja_JP.UTF-8" "$KESU" ledger list
check "Japanese headers" test "$(head -1 "$WORK/out" | tr -s ' ')" = \
	"記録番号 日時 資産番号 シリアル番号 作業者 承認者 消去方式 結果 証明書番号"
check "the method's Japanese title and the outcome in Japanese" \
	grep -qE "^1 .* NIST SP 800-88 クリア方式 .* 消去完了 +$cert1$" "$WORK/out"
check "Japanese columns line up too" aligned "$WORK/out" 作業者 "山田 太郎" Bob "$LONG"
LANG=ja_JP.UTF-8 expect_exit 0 "-o under ja" "$KESU" ledger list -o seq,class,purpose,level
check "class, purpose and level in Japanese" grep -qE "^1 +Ⅱ +リース返却 +クリア \(Clear\)$" "$WORK/out"
expect_exit 0 "LC_ALL overrides LANG" env LANG=ja_JP.UTF-8 LC_ALL=C.UTF-8 "$KESU" ledger list
check "English headers" grep -q "^SEQ " "$WORK/out"
expect_exit 0 "LC_MESSAGES overrides LANG" env LANG=C.UTF-8 LC_MESSAGES=ja_JP.UTF-8 "$KESU" ledger list
check "Japanese headers" grep -q "^記録番号 " "$WORK/out"

# -o chooses the columns.
expect_exit 0 "-o seq,operator,outcome" "$KESU" ledger list -o seq,operator,outcome
check "exactly those columns" test "$(tr -s ' ' <"$WORK/out" | head -3 | tr '\n' '|')" = \
	"SEQ OPERATOR OUTCOME|1 山田 太郎 SUCCESS|2 Bob SUCCESS|"
expect_exit 0 "--columns +department,class,purpose,witness" "$KESU" ledger list \
	--columns +department,class,purpose,witness
check "the default set and the added ones" grep -qE "^1 .* $cert1 +情報政策課 +II +lease-return +鈴木 一郎$" "$WORK/out"
expect_exit 2 "an unknown column" "$KESU" ledger list -o seq,nope
check "one line naming it and the allowed keys" test "$(wc -l <"$WORK/err")" -eq 1
check "it says which" grep -q '^kesu: ledger list -o: unknown column "nope" (seq, time, asset, .*, job; ' "$WORK/err"
check "no table" test ! -s "$WORK/out"
expect_exit 2 "an empty column list" "$KESU" ledger list -o ,
expect_exit 2 "-o with --json" "$KESU" ledger list -o seq --json
expect_exit 2 "list --output FILE (a file is export's)" "$KESU" ledger list --csv --output "$WORK/x.csv"
check "it says to use export" grep -q "kesu ledger export --csv -o FILE" "$WORK/err"
check "no file" test ! -e "$WORK/x.csv"
expect_exit 0 "export -o FILE as before" "$KESU" ledger export --csv -o "$WORK/x.csv"
check "the file has the header and 3 rows" test "$(wc -l <"$WORK/x.csv")" -eq 4

# show by the number list prints, a certificate id, a job-id prefix.
expect_exit 0 "ledger show 3" "$KESU" ledger show 3
check "it is record 3" grep -qE "^  job +$job3$" "$WORK/out"
check "the long name whole" grep -qE "^  operator +$LONG$" "$WORK/out"
check "the method's title and id" grep -qE "^  method +.*\(dod-3pass\)$" "$WORK/out"
expect_exit 0 "ledger show CERT-ID" "$KESU" ledger show "$cert1"
check "it is record 1" grep -q "^record 1 " "$WORK/out"
for line in "operator +山田 太郎" "organisation +Test City" "department +情報政策課" "approver +佐藤 課長" \
	"witness +鈴木 一郎" "class +Class II" "purpose +lease return" "asset +PC-0042" \
	"size +1048576 bytes \(1\.0 MB\)" "NIST level +clear" "verification +sample [0-9.]+%: passed" \
	"outcome +SUCCESS" "started +[0-9-]{10} [0-9:]{8} [+-][0-9]{2}:[0-9]{2}" \
	"certificate file +$CERTS/kesu-$cert1\.pdf"; do
	check "show: $line" grep -qE "^  $line$" "$WORK/out"
done
expect_exit 0 "ledger show JOB-PREFIX" "$KESU" ledger show "${job2:0:8}"
check "it is record 2" grep -q "^record 2 " "$WORK/out"
LANG=ja_JP.UTF-8 expect_exit 0 "ledger show 1 under ja" "$KESU" ledger show 1
for line in "作業者 +山田 太郎" "所属 +情報政策課" "承認者 +佐藤 課長" "立会者 +鈴木 一郎" "重要性分類 +Ⅱ" \
	"目的 +リース返却" "消去方式 +NIST SP 800-88 クリア方式 .*\(nist-clear\)" "NISTレベル +クリア \(Clear\)" \
	"検証 +抽出検証 [0-9.]+%: 合格" "結果 +消去完了" "証明書ファイル +$CERTS/kesu-$cert1\.pdf"; do
	check "show under ja: $line" grep -qE "^  $line$" "$WORK/out"
done
check "Japanese labels line up" python3 -c "
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
cols = set()
for line in open('$WORK/out', encoding='utf-8').read().splitlines()[1:]:
    label, value = line[2:].split(' ', 1)
    cols.add(w(line) - w(value.lstrip(' ')))
sys.exit(0 if len(cols) == 1 else 1)"
expect_exit 0 "show on a station without the certificate" "$KESU" ledger show --cert-dir "$WORK/elsewhere" 1
check "it says it is not on this station" grep -qE "^  certificate file +not on this station \(not in $WORK/elsewhere\)$" "$WORK/out"

# An event (a trust-store change) keeps its meaning in the columns, and
# show labels its members, in Japanese under ja.
expect_exit 0 "an approver's key" "$KESU" key generate --role approver --name "佐藤 課長" \
	-o "$WORK/sato.key" --no-passphrase
expect_exit 0 "trust add: record 4" "$KESU" trust add --role approver --name "佐藤 課長" "$WORK/sato.pub"
expect_exit 0 "list with an event" "$KESU" ledger list
check "a (trust) row: who, what was done" \
	grep -qE "^4 +[0-9-]{10} [0-9:]{5} [+-][0-9:]{5} +- +- +Test Operator +- +\(trust\) +add approver 佐藤 課長 +-$" "$WORK/out"
LANG=ja_JP.UTF-8 expect_exit 0 "list with an event under ja" "$KESU" ledger list
check "in Japanese words" grep -qE "^4 .* Test Operator +- +\(信頼設定\) +追加 承認者 佐藤 課長 +-$" "$WORK/out"
LANG=ja_JP.UTF-8 expect_exit 0 "show 4 under ja" "$KESU" ledger show 4
for line in "種別 +信頼設定" "操作 +追加" "役割 +承認者" "名前 +佐藤 課長" "実施者 +Test Operator" \
	"日時 +[0-9-]{10} [0-9:]{8} [+-][0-9]{2}:[0-9]{2}"; do
	check "event under ja: $line" grep -qE "^  $line$" "$WORK/out"
done
check "its heading" grep -qE "^記録番号 4  ハッシュ [0-9a-f]{64}$" "$WORK/out"
check "the kind comes first" test "$(sed -n 2p "$WORK/out" | tr -s ' ')" = " 種別 信頼設定"

# An unfinished job (--open) has no number, its drive's key and its state.
expect_exit 6 "a job stopped after its first pass" "${W[@]}" --method dod-3pass --stop-after-pass 1 \
	"$(make_image open.img 1M)"
expect_exit 0 "list --open" "$KESU" ledger list --open -o seq,serial,method,outcome
check "its row" grep -qE "^- +path:$WORK/open.img:1048576 +- +interrupted$" "$WORK/out"
LANG=ja_JP.UTF-8 expect_exit 0 "list --open under ja" "$KESU" ledger list --open -o seq,outcome
check "中断" grep -qE "^- +中断$" "$WORK/out"
finish
