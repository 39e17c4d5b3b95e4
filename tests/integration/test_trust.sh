#!/bin/bash
# Keys for people and organisations, and the trust store (issue 14 item 1,
# docs/trust.md): key generate --role refuses a person's key without a
# passphrase unless --no-passphrase, which the public key then says; trust
# add/list/remove; every change is a signed ledger record that ledger list,
# show and verify handle; a corrupt store is refused with one line and left
# as it was; a store that cannot be written after the ledger record fails
# loudly and is left as it was; --trust, $KESU_TRUST and trust = PATH.
source "$(dirname "$0")/lib.sh"

K="$WORK/keys"
STORE="$XDG_CONFIG_HOME/kesu/trust.json"
mkdir -p "$K"
printf 'approver pass phrase\n' >"$WORK/pass"

kx() { # kx CODE DESCRIPTION ARGS...
	local want=$1 what=$2
	shift 2
	expect_exit "$want" "$what" "$KESU" "$@"
}
one_line() { check "$1: one line on stderr" test "$(wc -l <"$WORK/err")" -eq 1; }
records() { "$KESU" ledger list --json | jq '[.records[] | select(.record.kind == "trust")] | length'; }

kx 0 "trust --help" trust --help
check "--help names add, list and remove" grep -q "kesu trust remove" "$WORK/out"
kx 0 "key --help" key --help
check "key --help documents --no-passphrase" grep -q -- "--no-passphrase" "$WORK/out"
kx 0 "kesu --help" --help
check "the command list has trust" grep -qE '^  trust ' "$WORK/out"

# --- keys for people ---
kx 2 "an approver's key without a passphrase is refused" key generate --role approver --name "山田 太郎" -o "$K/yamada.key"
one_line "the refusal"
check "it asks for a passphrase or --no-passphrase" grep -q "needs a passphrase: give --passphrase-file FILE or --ask-passphrase (or --no-passphrase" "$WORK/err"
check "nothing was made" test ! -e "$K/yamada.key" -a ! -e "$K/yamada.pub"
kx 2 "an unknown role" key generate --role boss --name X -o "$K/x.key" --no-passphrase
kx 2 "--role without --name" key generate --role witness -o "$K/x.key" --no-passphrase
kx 2 "--no-passphrase with a passphrase file" key generate --role witness --name X --no-passphrase --passphrase-file "$WORK/pass"
kx 2 "a name with a control character" key generate --role witness --name $'a\tb' --no-passphrase -o "$K/x.key"
check "nothing was made for them" test ! -e "$K/x.key"

kx 0 "an approver's key with a passphrase" key generate --role approver --name "山田 太郎" -o "$K/yamada.key" --passphrase-file "$WORK/pass"
check "it says protected" grep -q "mode 0600, protected by a passphrase" "$WORK/out"
check "the public key is beside it" test -f "$K/yamada.pub"
check "the public key's comment names role and holder" grep -qx "untrusted comment: kesu approver public key: 山田 太郎" "$K/yamada.pub"
check "the secret key is protected (key show)" bash -c "'$KESU' key show --key '$K/yamada.key' | grep -q ', protected by a passphrase'"
yamada_num=$(sed -n 's/^key number *//p' "$WORK/out")
yamada_fp=$(sed -n 's/^fingerprint *//p' "$WORK/out")

kx 0 "a witness's key with --no-passphrase" key generate --role witness --name "Sato Hanako" --no-passphrase
check "it went to the keys directory, named after the holder" test -f "$XDG_CONFIG_HOME/kesu/keys/witness-sato-hanako.key"
check "its public key says it has no passphrase" grep -qx "untrusted comment: kesu witness public key: Sato Hanako (no passphrase)" "$XDG_CONFIG_HOME/kesu/keys/witness-sato-hanako.pub"
check "its secret key is 0600" test "$(stat -c %a "$XDG_CONFIG_HOME/kesu/keys/witness-sato-hanako.key")" = 600
kx 0 "a Japanese name without a file name: named by key number" key generate --role validator --name "鈴木" --no-passphrase
num=$(sed -n 's/^key number *//p' "$WORK/out")
check "validator-KEYNUM.key" test -f "$XDG_CONFIG_HOME/kesu/keys/validator-$num.key" -a -f "$XDG_CONFIG_HOME/kesu/keys/validator-$num.pub"
check "no temporary name is left" bash -c "! ls '$XDG_CONFIG_HOME/kesu/keys' | grep -q new-"
kx 0 "a contractor's key needs no passphrase" key generate --role contractor --name "Erase Co" -o "$K/contractor.key"
check "its comment still says so" grep -q "(no passphrase)" "$K/contractor.pub"
kx 0 "without --role the station key is made as before" key generate --key "$K/station2.key"
check "with the station's comment" grep -qE '^untrusted comment: kesu station public key ed25519:' "$K/station2.pub"
printf 'approval text\n' >"$WORK/doc"
kx 0 "a person's key signs with its passphrase" key sign --key "$K/yamada.key" --passphrase-file "$WORK/pass" "$WORK/doc"
check "and signify accepts it" signify-openbsd -V -p "$K/yamada.pub" -m "$WORK/doc"

# --- trust add, list ---
kx 0 "an empty store lists nothing" trust list
check "it says so" grep -q "no trusted keys in $STORE" "$WORK/out"
kx 0 "trust add an approver" trust add --role approver --name "山田 太郎" "$K/yamada.pub"
check "it names the key" grep -qF "trusted approver \"山田 太郎\" ($yamada_fp, key $yamada_num)" "$WORK/out"
check "it names the ledger record" grep -qE "^ledger record [0-9]+: add trust:$yamada_fp$" "$WORK/out"
check "the store is 0600" test "$(stat -c %a "$STORE")" = 600
kx 0 "trust add a witness made without a passphrase" trust add --role witness --name "Sato Hanako" "$XDG_CONFIG_HOME/kesu/keys/witness-sato-hanako.pub"
check "it notes the missing passphrase" grep -q "says its secret key has no passphrase" "$WORK/err"
kx 0 "the same key for a second role" trust add --role validator --name "山田 太郎" "$K/yamada.pub"
sum=$(sha256sum "$STORE")
kx 1 "the same key twice for one role" trust add --role approver --name "Other" "$K/yamada.pub"
check "it says it is already trusted" grep -q "is already a trusted approver, as 山田 太郎" "$WORK/err"
check "the store is unchanged" test "$(sha256sum "$STORE")" = "$sum"
kx 2 "trust add without --name" trust add --role approver "$K/yamada.pub"
kx 2 "trust add of a file that is not a public key" trust add --role approver --name X "$WORK/doc"
one_line "not a public key"
kx 2 "trust add of a missing file" trust add --role approver --name X "$WORK/nope.pub"

kx 0 "trust list" trust list
check "the table has the approver" grep -qE "^approver +山田 太郎 +$yamada_fp +$yamada_num +20[0-9-]+T" "$WORK/out"
check "the witness row notes no passphrase" grep -qE "^witness +Sato Hanako .* no passphrase$" "$WORK/out"
check "the approver row does not" bash -c "! grep -E '^approver ' '$WORK/out' | grep -q 'no passphrase'"
kx 0 "trust list --json" trust list --json
check "--json: three entries" jq -e 'length == 3' "$WORK/out"
check "--json: the approver's fields" jq -e --arg fp "$yamada_fp" --arg n "$yamada_num" '.entries[0] | .role == "approver" and .name == "山田 太郎" and .fingerprint == $fp and .keynum == $n and .no_passphrase == false' "$WORK/out"
check "--json: the witness has no passphrase" jq -e '.entries[1].no_passphrase == true and (.entries[1].comment | endswith("(no passphrase)"))' "$WORK/out"
kx 0 "trust list --role witness" trust list --role witness
check "only the witness" test "$(grep -c . "$WORK/out")" = 2

# --- the ledger has every change ---
check "three trust records in the ledger" test "$(records)" = 3
"$KESU" ledger list --json >"$WORK/ledger.json"
check "the first is the approver's add, by the operator" jq -e --arg fp "$yamada_fp" '[.records[] | select(.record.kind == "trust")][0].record | .action == "add" and .role == "approver" and .name == "山田 太郎" and .by == "Test Operator" and .fingerprint == $fp and (.public_key | length) == 56' "$WORK/ledger.json"
kx 0 "ledger list shows trust records" ledger list
check "as (trust) rows with what was done" grep -qE "^1 +[0-9-]+ [0-9:]+ [+-][0-9:]+ +- +- +Test Operator +- +\(trust\) +add approver 山田 太郎 +-$" "$WORK/out"
kx 0 "ledger show of a trust record" ledger show 1
check "it shows the record's own members" grep -qE "^  action +add$" "$WORK/out"
check "and not a wipe's empty fields" bash -c "! grep -q '^  serial' '$WORK/out'"
kx 0 "ledger verify" ledger verify
check "the chain is intact" grep -q "OK: 3 records" "$WORK/out"

# --- remove ---
kx 2 "remove a key nobody trusted" trust remove 0000000000000000
check "it says so" grep -q 'no trusted key is "0000000000000000"' "$WORK/err"
kx 2 "a name with two entries needs --role" trust remove "山田 太郎"
check "the store still has three" test "$("$KESU" trust list --json | jq '.entries | length')" = 3
kx 0 "remove the validator entry by key number" trust remove --role validator "$yamada_num"
check "it names what went" grep -qF "removed validator \"山田 太郎\"" "$WORK/out"
kx 0 "trust list --json after it" trust list --json
check "the approver entry stays" jq -e '.entries | length == 2 and .[0].role == "approver"' "$WORK/out"
check "the ledger has the remove" bash -c "'$KESU' ledger list --json | jq -e '[.records[].record | select(.kind == \"trust\" and .action == \"remove\" and .role == \"validator\")] | length == 1'"
kx 0 "ledger verify after remove" ledger verify

# --- no operator: nothing recorded, nothing changed ---
printf 'organisation = Test City\n' >"$WORK/no-op.conf"
sum=$(sha256sum "$STORE")
KESU_CONFIG="$WORK/no-op.conf" kx 2 "trust add without an operator" trust add --role contractor --name "Erase Co" "$K/contractor.pub"
check "it asks who" grep -q "who is changing the trust store" "$WORK/err"
check "the store is unchanged" test "$(sha256sum "$STORE")" = "$sum"
check "nothing more in the ledger" test "$(records)" = 4

# --- a corrupt store ---
cp "$STORE" "$WORK/good.json"
sed -i 's/"role":"approver"/"role":"boss"/' "$STORE"
sum=$(sha256sum "$STORE")
kx 2 "a corrupt store: list" trust list
one_line "list"
check "it names the file and the reason" grep -qF "$STORE: entry 1: unknown role \"boss\"" "$WORK/err"
kx 2 "a corrupt store: add" trust add --role contractor --name "Erase Co" "$K/contractor.pub"
one_line "add"
kx 2 "a corrupt store: remove" trust remove "Sato Hanako"
check "the corrupt store is left as it was" test "$(sha256sum "$STORE")" = "$sum"
check "nothing more in the ledger" test "$(records)" = 4
printf '{"kesu_trust":1,"keys":[],"keys":[]}\n' >"$STORE"
kx 2 "a member given twice" trust list
check "it says not canonical" grep -q "not in canonical form" "$WORK/err"
cp "$WORK/good.json" "$STORE"

# --- the store cannot be written after the ledger record ---
RO="$WORK/ro"
mkdir -p "$RO"
cp "$WORK/good.json" "$RO/trust.json"
mount_dev "$RO" "$RO" --bind
mount -o remount,ro,bind "$RO"
sum=$(sha256sum "$RO/trust.json")
kx 1 "a store on read-only media" trust add --trust "$RO/trust.json" --role contractor --name "Erase Co" "$K/contractor.pub"
one_line "the failed save"
check "it says the store is unchanged and the ledger has the record" grep -qE "the store is unchanged, but ledger record [0-9]+ already records this add" "$WORK/err"
check "the read-only store is unchanged" test "$(sha256sum "$RO/trust.json")" = "$sum"
check "the ledger has the record (written first)" test "$(records)" = 5
kx 0 "ledger verify after the failed save" ledger verify

# --- where the store is ---
kx 0 "--trust PATH" trust add --trust "$WORK/other/t.json" --role contractor --name "Erase Co" "$K/contractor.pub"
check "the store was made there" test -f "$WORK/other/t.json"
KESU_TRUST="$WORK/other/t.json" kx 0 "\$KESU_TRUST" trust list --json
check "it reads that store" jq -e '.entries | length == 1 and .[0].role == "contractor"' "$WORK/out"
printf 'operator = Test Operator\ntrust = stores/city.json\n' >"$WORK/rel.conf"
KESU_CONFIG="$WORK/rel.conf" kx 0 "trust = PATH in the config file, relative" trust add --role contractor --name "Erase Co" "$K/contractor.pub"
check "relative to the config file's directory" test -f "$WORK/stores/city.json"

finish
