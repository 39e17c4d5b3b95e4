#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# kesu key: generate, show, sign and verify with HOME and the XDG directories
# inside $WORK; file modes; never overwriting (exit 1); passphrases from a
# file and typed on a pseudo-terminal; OpenBSD signify checks kesu's
# signatures and kesu checks signify's; a changed byte fails both ways; the
# secret key never reaches standard output or standard error.
source "$(dirname "$0")/lib.sh"

# Directories of our own (lib.sh may have made $WORK/config): kesu must create them.
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/keys-config" XDG_DATA_HOME="$WORK/keys-data"
unset KESU_KEY KESU_LEDGER KESU_CONFIG
KEYS="$XDG_CONFIG_HOME/kesu"
ALL="$WORK/all-output" # everything kesu printed, checked for secrets at the end
: >"$ALL"

# kx CODE DESCRIPTION ARGS...: expect_exit on kesu, keeping its output in $ALL
kx() {
	local want=$1 what=$2
	shift 2
	expect_exit "$want" "$what" "$KESU" "$@"
	cat "$WORK/out" "$WORK/err" >>"$ALL"
}

# on_pty ANSWER... -- ARGS...: runs kesu on a pseudo-terminal, typing each
# ANSWER at each "passphrase" prompt; output in $WORK/out (and $ALL)
cat >"$WORK/type_on_pty.py" <<'EOF'
import os, pty, sys, time
sep = sys.argv.index("--")
answers, cmd = sys.argv[1:sep], sys.argv[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cmd[0], cmd)
seen, prompts, deadline = b"", 0, time.time() + 60
while time.time() < deadline:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    while prompts < len(answers) and seen.count(b"passphrase") > prompts:
        os.write(fd, answers[prompts].encode() + b"\n")
        prompts += 1
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
on_pty() {
	local want=$1 what=$2 rc=0
	shift 2
	local answers=()
	while [ "$1" != "--" ]; do answers+=("$1"); shift; done
	shift
	python3 "$WORK/type_on_pty.py" "${answers[@]}" -- "$KESU" "$@" >"$WORK/out" 2>&1 || rc=$?
	cat "$WORK/out" >>"$ALL"
	if [ "$rc" -eq "$want" ]; then ok "$what (exit $rc)"; else not_ok "$what: exit $rc, wanted $want: $(head -c 400 "$WORK/out")"; fi
}

mode() { stat -c %a "$1"; }

kx 0 "key --help" key --help
check "--help documents generate, show, sign and verify" grep -q "kesu key sign" "$WORK/out"
kx 0 "kesu --help lists key" --help
check "the command list has key" grep -qE '^  key ' "$WORK/out"
kx 2 "key without an action" key
kx 2 "an unknown action" key frobnicate
kx 2 "show with --key and --pubkey" key show --key a.key --pubkey a.pub
kx 2 "sign without a file" key sign
kx 2 "show before there is a key" key show
check "it says how to make one" grep -q "kesu key generate makes one" "$WORK/err"

# --- generate, into the XDG config directory ---
kx 0 "generate with the default paths" key generate
check "the secret key is in \$XDG_CONFIG_HOME/kesu" test -f "$KEYS/station.key"
check "the public key is beside it" test -f "$KEYS/station.pub"
check "the directory was made 0700" test "$(mode "$KEYS")" = 700
check "the secret key is 0600" test "$(mode "$KEYS/station.key")" = 600
check "the public key is 0644" test "$(mode "$KEYS/station.pub")" = 644
check "generate names the secret key" grep -qF "$KEYS/station.key" "$WORK/out"
check "generate says it is not protected" grep -q "not protected by a passphrase" "$WORK/out"
fp=$(sed -n 's/^fingerprint *//p' "$WORK/out")
check "generate prints the fingerprint" grep -qE '^ed25519:[0-9a-f]{32}$' <<<"$fp"
check "the public key file is signify's format" grep -qE '^untrusted comment: kesu station public key ed25519:[0-9a-f]{32}$' "$KEYS/station.pub"
check "its key line is 42 bytes of base64" test "$(sed -n 2p "$KEYS/station.pub" | base64 -d | wc -c)" = 42

kx 0 "show" key show
check "show gives the same fingerprint" grep -qE "^fingerprint +$fp$" "$WORK/out"
check "show gives the key number" grep -qE '^key number +[0-9a-f]{16}$' "$WORK/out"
check "show names the public key path" grep -qE "^public key +$KEYS/station.pub$" "$WORK/out"
kx 0 "show --pubkey" key show --pubkey "$KEYS/station.pub"
check "show --pubkey gives the same fingerprint" grep -qE "^fingerprint +$fp$" "$WORK/out"

sum=$(sha256sum "$KEYS/station.key" "$KEYS/station.pub")
kx 1 "generate refuses to overwrite" key generate
check "the error names the file" grep -qF "$KEYS/station.key already exists" "$WORK/err"
check "the key files are unchanged" test "$(sha256sum "$KEYS/station.key" "$KEYS/station.pub")" = "$sum"

# --- kesu signs, signify verifies ---
printf 'certificate KESU-20261122-8F3A2C1D: /dev/sdb erased, verified\n' >"$WORK/doc.txt"
kx 0 "sign a file with the station key" key sign "$WORK/doc.txt"
check "it wrote FILE.sig" test -f "$WORK/doc.txt.sig"
check "signify names the public key in the comment" grep -qx "untrusted comment: verify with station.pub" "$WORK/doc.txt.sig"
check "signify -V accepts kesu's signature" signify-openbsd -V -p "$KEYS/station.pub" -m "$WORK/doc.txt"
kx 0 "kesu key verify accepts it" key verify "$WORK/doc.txt"
kx 0 "sign -x SIGFILE" key sign --key "$KEYS/station.key" -x "$WORK/other.sig" "$WORK/doc.txt"
check "signify -V -x accepts it" signify-openbsd -V -p "$KEYS/station.pub" -x "$WORK/other.sig" -m "$WORK/doc.txt"

cp "$WORK/doc.txt" "$WORK/forged.txt"
cp "$WORK/doc.txt.sig" "$WORK/forged.txt.sig"
printf 'X' | dd of="$WORK/forged.txt" bs=1 seek=20 conv=notrunc status=none
check "signify -V rejects a changed byte" bash -c "! signify-openbsd -V -q -p '$KEYS/station.pub' -m '$WORK/forged.txt' 2>/dev/null"
kx 4 "kesu key verify rejects a changed byte" key verify "$WORK/forged.txt"
check "it says the data was changed" grep -q "signature does not match: the data was changed" "$WORK/err"

# --- signify signs, kesu verifies ---
signify-openbsd -G -n -p "$WORK/sg.pub" -s "$WORK/sg.sec"
signify-openbsd -S -s "$WORK/sg.sec" -m "$WORK/doc.txt" -x "$WORK/doc.signify.sig"
kx 0 "kesu verifies a signify signature" key verify --pubkey "$WORK/sg.pub" -x "$WORK/doc.signify.sig" "$WORK/doc.txt"
kx 0 "kesu shows a signify public key" key show --pubkey "$WORK/sg.pub"
kx 4 "kesu rejects it on a changed byte" key verify --pubkey "$WORK/sg.pub" -x "$WORK/doc.signify.sig" "$WORK/forged.txt"
kx 4 "the station key does not verify signify's signature" key verify -x "$WORK/doc.signify.sig" "$WORK/doc.txt"
check "it says another key signed" grep -q "signed by another key (key number" "$WORK/err"
head -c 60 "$WORK/doc.signify.sig" >"$WORK/cut.sig"
kx 1 "a truncated signature is malformed" key verify --pubkey "$WORK/sg.pub" -x "$WORK/cut.sig" "$WORK/doc.txt"
check "it says so" grep -q "not a signify signature" "$WORK/err"

# --- passphrases ---
printf 'a long and secret passphrase\nignored second line\n' >"$WORK/pass"
printf 'not it\n' >"$WORK/wrong"
kx 0 "generate --passphrase-file" key generate --key "$WORK/p/prot.key" --passphrase-file "$WORK/pass"
check "it says protected" grep -q "protected by a passphrase" "$WORK/out"
check "the public key is prot.pub" test -f "$WORK/p/prot.pub"
kx 0 "show a protected key without its passphrase" key show --key "$WORK/p/prot.key"
check "show says protected" grep -q ", protected by a passphrase" "$WORK/out"
kx 2 "sign with a protected key and no terminal" key sign --key "$WORK/p/prot.key" "$WORK/doc.txt" </dev/null
check "it asks for --passphrase-file" grep -q "give --passphrase-file" "$WORK/err"
kx 1 "sign with the wrong passphrase" key sign --key "$WORK/p/prot.key" --passphrase-file "$WORK/wrong" "$WORK/doc.txt"
check "it says wrong passphrase" grep -qF "wrong passphrase for $WORK/p/prot.key" "$WORK/err"
kx 0 "sign with the right passphrase" key sign --key "$WORK/p/prot.key" --passphrase-file "$WORK/pass" -x "$WORK/prot.sig" "$WORK/doc.txt"
check "signify accepts the protected key's signature" signify-openbsd -V -p "$WORK/p/prot.pub" -x "$WORK/prot.sig" -m "$WORK/doc.txt"
chmod 604 "$WORK/p/prot.key"
kx 1 "a too-open protected key is refused before any passphrase is asked for" key sign --key "$WORK/p/prot.key" "$WORK/doc.txt" </dev/null
check "it says chmod 600" grep -q "permissions 0604 are too open; chmod 600" "$WORK/err"
chmod 600 "$WORK/p/prot.key"
KESU_KEY="$WORK/p/prot.key" kx 0 "\$KESU_KEY names the station key" key show
check "show uses it and the .pub beside it" grep -qE "^public key +$WORK/p/prot.pub$" "$WORK/out"
kx 2 "--ask-passphrase without a terminal" key generate --key "$WORK/q/q.key" --ask-passphrase </dev/null
check "nothing was made" test ! -e "$WORK/q/q.key"

on_pty 0 "--ask-passphrase on a terminal" 'typed secret words' 'typed secret words' -- key generate --key "$WORK/t/typed.key" --ask-passphrase
check "the typed passphrase was not echoed" bash -c "! grep -q 'typed secret words' '$WORK/out'"
check "the typed key is protected" grep -q "mode 0600, protected by a passphrase" "$WORK/out"
printf 'typed secret words\n' >"$WORK/typed-pass"
kx 0 "the typed passphrase unlocks it" key sign --key "$WORK/t/typed.key" --passphrase-file "$WORK/typed-pass" -x "$WORK/typed.sig" "$WORK/doc.txt"
on_pty 0 "sign asks for the passphrase at a terminal" 'typed secret words' -- key sign --key "$WORK/t/typed.key" -x "$WORK/typed2.sig" "$WORK/doc.txt"
check "the signature made after typing verifies" signify-openbsd -V -p "$WORK/t/typed.pub" -x "$WORK/typed2.sig" -m "$WORK/doc.txt"
on_pty 1 "two different passphrases" 'first words' 'other words' -- key generate --key "$WORK/m/mismatch.key" --ask-passphrase
check "it says they do not match" grep -q "do not match" "$WORK/out"
check "no key was made" test ! -e "$WORK/m/mismatch.key"

# --- a person's key (docs/trust.md; the rest in test_trust.sh) ---
on_pty 0 "--role witness --ask-passphrase on a terminal" 'witness words' 'witness words' -- key generate --role witness --name "佐藤 花子" -o "$WORK/r/witness.key" --ask-passphrase
check "the witness key is protected" grep -q "mode 0600, protected by a passphrase" "$WORK/out"
check "its public key names role and holder, without a no-passphrase note" grep -qx "untrusted comment: kesu witness public key: 佐藤 花子" "$WORK/r/witness.pub"
check "its secret key has kesu's comment, not the station's" grep -qE "^untrusted comment: kesu secret key ed25519:[0-9a-f]{32}$" "$WORK/r/witness.key"

# --- refused and damaged secret keys ---
chmod 640 "$KEYS/station.key"
kx 1 "a group-readable secret key is refused" key sign "$WORK/doc.txt"
check "it says chmod 600" grep -qF "$KEYS/station.key: permissions 0640 are too open; chmod 600" "$WORK/err"
chmod 600 "$KEYS/station.key"
cp "$KEYS/station.key" "$WORK/damaged.key"
chmod 600 "$WORK/damaged.key"
sed -i '2s/^\(.\{150\}\)./\1!/' "$WORK/damaged.key"
kx 1 "a damaged secret key is refused" key sign --key "$WORK/damaged.key" -x "$WORK/d.sig" "$WORK/doc.txt"
check "it says not a kesu secret key" grep -q "not a kesu secret key (" "$WORK/err"

# --- the secret never appears in any output ---
# The unprotected file's box ends with the 64-byte secret key (seed || public key).
sed -n 2p "$KEYS/station.key" | base64 -d | tail -c 64 >"$WORK/sk.bin"
sed -n 2p "$KEYS/station.pub" | base64 -d | tail -c 32 >"$WORK/pk.bin"
check "the decoded secret key ends with the public key (so it is the key)" cmp -s <(tail -c 32 "$WORK/sk.bin") "$WORK/pk.bin"
check "the output was collected" test -s "$ALL"
declare -A secrets=(
	["the seed in hex"]=$(head -c 32 "$WORK/sk.bin" | od -An -tx1 | tr -d ' \n')
	["the secret key in hex"]=$(od -An -tx1 "$WORK/sk.bin" | tr -d ' \n')
	["the seed in base64"]=$(head -c 30 "$WORK/sk.bin" | base64 -w0)
	["the secret key in base64"]=$(base64 -w0 <"$WORK/sk.bin")
	["the secret key file's line"]=$(sed -n 2p "$KEYS/station.key")
	["the passphrase"]="a long and secret passphrase"
)
for what in "${!secrets[@]}"; do
	printf '%s\n' "${secrets[$what]}" >"$WORK/needle"
	check "no output holds $what" bash -c "! grep -qiF -f '$WORK/needle' '$ALL'"
done
printf '%s\n' "${secrets["the secret key file's line"]}" >"$WORK/needle"
check "(the same search finds the line in the key file itself)" grep -qF -f "$WORK/needle" "$KEYS/station.key"

finish
