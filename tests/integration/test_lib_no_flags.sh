#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# The library never names a command-line option (issue 13, docs/STYLE:
# "the library knows nothing of flags"). A refusal returns a code or
# enum kesu_remedy bits; each front end phrases its own remedy (the command
# line says "add --force", the text UI names a key). This test extracts
# every string literal in src/lib (adjacent literals joined, as the
# compiler does) and fails on any that names one of kesu's long options,
# listing file:line. The option names come from the command line's own
# option tables (src/cli/*.c), so a new option is covered at once.
#
# $1 (the kesu binary) is used only to see that the command line still
# phrases the remedy with its option; the check itself reads the sources.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/kesu-test_lib_no_flags.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/check.py" <<'EOF'
import os, re, sys

cli_dir, lib_dir = sys.argv[1], sys.argv[2]

# Known exceptions, each with its reason. Matched on (file, literal prefix).
ALLOWED = {
    ("pdf_sign.c", "kesu cert verify --trust CA.pem kesu-%s.pdf"):
        "the certificate's printed verification recipe for whoever holds the "
        "file (docs/certificate.md); it is document text, the same whichever "
        "front end issued it, not a remedy",
}

def options(cli):
    names = set()
    for f in sorted(os.listdir(cli)):
        if f.endswith(".c"):
            text = open(os.path.join(cli, f), encoding="utf-8").read()
            names.update(re.findall(
                r'\{\s*"([a-z][a-z0-9-]+)"\s*,\s*(?:no|required|optional)_argument', text))
    return names

def literals(text):
    """(line, joined text) for every run of adjacent string literals,
    skipping comments and character constants."""
    out, i, n, line = [], 0, len(text), 1
    run, run_line, last_end = None, 0, 0
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1; i += 1; continue
        if text.startswith("//", i):
            j = text.find("\n", i); i = n if j < 0 else j; continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2); j = n if j < 0 else j + 2
            line += text.count("\n", i, j); i = j; continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1; continue
        if c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    buf.append(text[j:j + 2]); j += 2
                else:
                    buf.append(text[j]); j += 1
            s = "".join(buf)
            if run is not None and text[last_end:i].strip() == "":
                run += s
            else:
                if run is not None:
                    out.append((run_line, run))
                run, run_line = s, line
            line += text.count("\n", i, j + 1)
            i = last_end = j + 1
            continue
        if run is not None and not c.isspace():
            out.append((run_line, run)); run = None
        i += 1
    if run is not None:
        out.append((run_line, run))
    return out

names = options(cli_dir)
if len(names) < 10:
    print(f"found only {len(names)} option names in {cli_dir}: the option tables moved?")
    sys.exit(2)
pattern = re.compile(r"(?<![A-Za-z0-9-])--(" + "|".join(sorted(map(re.escape, names), key=len,
                                                              reverse=True)) + r")(?![a-z0-9-])")
bad = 0
for root, _, files in os.walk(lib_dir):
    for f in sorted(files):
        if not f.endswith((".c", ".h")):
            continue
        path = os.path.join(root, f)
        for line, s in literals(open(path, encoding="utf-8").read()):
            m = pattern.search(s)
            if not m:
                continue
            if any(f == af and s.startswith(prefix) for af, prefix in ALLOWED):
                continue
            print(f"{os.path.relpath(path)}:{line}: names --{m.group(1)}: \"{s[:100]}\"")
            bad += 1
sys.exit(1 if bad else 0)
EOF

pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

# The check must be able to fail: a library file that tells the operator
# to add an option, split over two literals, is caught with its line.
mkdir -p "$WORK/lib"
cat >"$WORK/lib/bad.c" <<'EOF'
/* a comment may say --force */
static const char *a = "no option here: -- or --- or x--force";
static const char c = '"';
static const char *b = "the drive holds data; add "
		       "--force to erase it";
EOF
if (cd "$WORK" && python3 check.py "$SRC/src/cli" lib) >"$WORK/out" 2>&1; then
	ko "a literal naming --force is caught"
	cat "$WORK/out"
elif grep -q '^lib/bad.c:4: names --force' "$WORK/out" && [ "$(wc -l <"$WORK/out")" = 1 ]; then
	ok "a literal naming --force is caught, with its file and line"
else
	ko "a literal naming --force is caught, with its file and line"
	cat "$WORK/out"
fi

if (cd "$SRC" && python3 "$WORK/check.py" src/cli src/lib) >"$WORK/out" 2>&1; then
	ok "no string literal in src/lib names a command-line option"
else
	ko "no string literal in src/lib names a command-line option"
	cat "$WORK/out"
fi

# The command line still names its options: the library returns the
# remedy as a bit and the CLI phrases it (src/cli/remedy.c). An image file
# with a swap signature is a warning that --force accepts.
KESU=${1:-}
if [ -n "$KESU" ] && [ -x "$KESU" ] && command -v mkswap >/dev/null; then
	truncate -s 8M "$WORK/img"
	mkswap "$WORK/img" >/dev/null 2>&1
	"$KESU" check "$WORK/img" >"$WORK/out" 2>&1 || true
	if grep -q 'holds a swap signature; add --force to erase it unattended$' "$WORK/out"; then
		ok "kesu check phrases the remedy as --force"
	else
		ko "kesu check phrases the remedy as --force"
		cat "$WORK/out"
	fi
	"$KESU" check --force "$WORK/img" >"$WORK/out" 2>&1 || true
	if grep -q 'holds a swap signature$' "$WORK/out"; then
		ok "with --force given, no remedy is offered"
	else
		ko "with --force given, no remedy is offered"
		cat "$WORK/out"
	fi
	export XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data"
	if "$KESU" wipe --yes --operator T --organisation O --class III --method zero --verify sample \
		"$WORK/img" >"$WORK/out" 2>&1; then
		ko "kesu wipe --yes refuses the warning without --force"
	elif grep -q 'holds a swap signature; add --force to erase it unattended$' "$WORK/out"; then
		ok "kesu wipe --yes refuses the warning without --force, and says how"
	else
		ko "kesu wipe --yes refuses the warning without --force, and says how"
		cat "$WORK/out"
	fi
	# The text UI runs kesu wipe as its child and shows its messages: there
	# the remedy names what the UI offers, never an option.
	if KESU_FRONT_END=tui "$KESU" wipe --yes --operator T --organisation O --class III --method zero \
		--verify sample "$WORK/img" >"$WORK/out" 2>&1; then
		ko "under the text UI the refusal names no option"
	elif grep -q 'holds a swap signature; confirm the warning on the confirmation screen$' \
		"$WORK/out" && ! grep -q -- '--force' "$WORK/out"; then
		ok "under the text UI the refusal names no option"
	else
		ko "under the text UI the refusal names no option"
		cat "$WORK/out"
	fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
