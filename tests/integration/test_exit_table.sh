#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# The exit-status table is written three times: README.md "Exit status",
# kesu(8) EXIT STATUS and `kesu --help`. This test fails when they drift
# apart: each is parsed into (code, meaning) pairs, and for every code
#   - all three have it, and so does the KESU_EXIT_* enum in src/cli/cli.h;
#   - the meaning's head (up to the first ':' or '(', without "kesu") of
#     the shortest is a word-for-word prefix of the others' ("interrupted"
#     and "interrupted by a signal, or the device vanished" agree);
#   - the key words (SUCCESS, .sig, --verify: words in capitals, file
#     suffixes and flags) that any of them names, all of them name;
# and the severity order for several drives ("4, 1, 3, 6, 7, 10, 11, then 0") is
# the same in all three. Then it changes one copy at a time to show that
# each kind of drift is caught.
source "$(dirname "$0")/lib.sh"
SRC=${KESU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

cat >"$WORK/exit_table.py" <<'PY'
import re, shlex, sys

help_path, readme_path, man_path, enum_path = sys.argv[1:5]
problems = []

def clean(text):
    text = text.replace("`", "")
    return re.sub(r"\s+", " ", text).strip()

def from_help(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    start = lines.index("Exit status:")
    table = {}
    for line in lines[start + 1:]:
        m = re.match(r"^  (\d+) (.*)$", line)
        if m:
            table[int(m.group(1))] = clean(m.group(2))
    return table, " ".join(lines[start + 1:])

def from_readme(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^## Exit status\n(.*?)(?=^## )", text, re.S | re.M)
    section = m.group(1) if m else ""
    table = {}
    for row in re.finditer(r"^\| *(\d+) *\| *(.*?) *\|$", section, re.M):
        table[int(row.group(1))] = clean(row.group(2))
    return table, section

def roff_line(line):
    """One man page line as plain text: font macros joined, escapes undone."""
    m = re.match(r"^\.(B|I|BR|RB|IR|RI|BI|IB)(?:\s+(.*))?$", line)
    if m:
        args = shlex.split(m.group(2) or "")
        line = (" " if m.group(1) in ("B", "I") else "").join(args)
    line = re.sub(r"\\f[BIRP]", "", line)
    return line.replace("\\-", "-").replace("\\e", "\\").replace("\\(em", "-")

def from_man(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    start = lines.index(".SH EXIT STATUS")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(".SH "))
    table, code, words, plain = {}, None, [], []
    def close():
        if code is not None:
            table[code] = clean(" ".join(words))
    for line in lines[start + 1:end]:
        if line in (".TP", ".PP"):
            close()
            code, words = None, []
            continue
        text = roff_line(line)
        plain.append(text)
        if code is None and re.fullmatch(r"\.B \d+", line):
            code = int(line.split()[1])
        elif code is not None:
            words.append(text)
    close()
    return table, " ".join(plain)

def head_words(meaning):
    head = re.split(r"[:(]", meaning, 1)[0].lower()
    words = re.findall(r"[a-z0-9/'-]+", head)
    return words[1:] if words[:1] == ["kesu"] else words

def key_words(meaning):
    return set(re.findall(r"(?<![\w-])(?:[A-Z]{2,}\b|--[a-z][a-z-]*|\.[a-z]+\b)", meaning))

def order(text):
    m = re.search(r"(\d+(?:, \d+)*),? then (\d+)", clean(text))
    return m.group(1).split(", ") + [m.group(2)] if m else None

enum = {int(v) for v in re.findall(r"\bKESU_EXIT_\w+ = (\d+)", open(enum_path).read())}
sources = {
    "kesu --help": from_help(help_path),
    "README.md": from_readme(readme_path),
    "kesu.8": from_man(man_path),
}
if not enum:
    problems.append("no KESU_EXIT_* values in %s" % enum_path)
for name, (table, _) in sources.items():
    if set(table) != enum:
        problems.append("%s has codes %s, cli.h has %s" % (name, sorted(table), sorted(enum)))
for code in sorted(enum):
    have = {name: t[code] for name, (t, _) in sources.items() if code in t}
    if len(have) < 2:
        continue
    heads = {name: head_words(m) for name, m in have.items()}
    shortest = min(heads.values(), key=len)
    if not shortest:
        problems.append("%d: an empty meaning in %s" % (code, ", ".join(have)))
    for name, words in heads.items():
        if words[:len(shortest)] != shortest:
            problems.append("%d: %s says \"%s\", another says \"%s\"" %
                            (code, name, " ".join(words), " ".join(shortest)))
    keys = set().union(*(key_words(m) for m in have.values()))
    for name, meaning in have.items():
        missing = keys - key_words(meaning)
        if missing:
            problems.append("%d: %s does not name %s" % (code, name, ", ".join(sorted(missing))))
orders = {name: order(text) for name, (_, text) in sources.items()}
if None in orders.values() or len({tuple(o) for o in orders.values()}) != 1:
    problems.append("the severity order differs: %s" %
                    "; ".join("%s %s" % (n, o) for n, o in orders.items()))
for p in problems:
    print(p)
print("%d codes, %d problems" % (len(enum), len(problems)))
sys.exit(1 if problems else 0)
PY

README=$SRC/README.md MAN=$SRC/docs/kesu.8 ENUM=$SRC/src/cli/cli.h
"$KESU" --help >"$WORK/help.txt"
tables() { # tables HELP README MAN: the checker's verdict, its report in $WORK/report
	python3 "$WORK/exit_table.py" "$1" "$2" "$3" "$ENUM" >"$WORK/report" 2>&1
}
fails() { ! "$@"; }

if tables "$WORK/help.txt" "$README" "$MAN"; then
	ok "README.md, kesu(8), kesu --help and cli.h agree ($(tail -1 "$WORK/report"))"
else
	not_ok "the exit-status tables disagree: $(tr '\n' ';' <"$WORK/report")"
fi

# Drift of each kind is caught: a meaning, a missing code, a key word, the order.
sed 's/^| 4 | verification failed |$/| 4 | verification skipped |/' "$README" >"$WORK/readme.md"
check "README.md's mutated line exists" fails cmp -s "$README" "$WORK/readme.md"
check "a changed meaning in README.md is caught" fails tables "$WORK/help.txt" "$WORK/readme.md" "$MAN"
check "  ... and named" grep -q '^4: README.md says "verification skipped"' "$WORK/report"

awk '/^\.B 9$/ { skip = 1; next } skip && /^\.(TP|PP)$/ { skip = 0 } !skip' "$MAN" >"$WORK/kesu.8"
check "a code missing from kesu(8) is caught" fails tables "$WORK/help.txt" "$README" "$WORK/kesu.8"
check "  ... and named" grep -q '^kesu.8 has codes \[0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11\]' "$WORK/report"

sed 's/not a SUCCESS certificate/not a certificate/' "$WORK/help.txt" >"$WORK/help-key.txt"
check "a key word dropped from --help is caught" fails tables "$WORK/help-key.txt" "$README" "$MAN"
check "  ... and named" grep -q '^8: kesu --help does not name SUCCESS' "$WORK/report"

sed 's/4, 1, 3, 6, 7, 10, 11, then 0/1, 4, 3, 6, 7, 10, 11, then 0/' "$WORK/help.txt" >"$WORK/help-order.txt"
check "--help's mutated order exists" fails cmp -s "$WORK/help.txt" "$WORK/help-order.txt"
check "a changed severity order is caught" fails tables "$WORK/help-order.txt" "$README" "$MAN"

# The facts the code relies on live in docs/ of this repository: nothing
# cites a file outside it (a clone does not have ../shared).
src=${KESU_SOURCE_DIR:-$(dirname "$0")/../..}
outside=$(grep -rln --include='*.c' --include='*.h' --include='*.md' --include='*.sh' --include='*.1' \
	-e '\.\./shared/' -e 'REFERENCE\.md' "$src/src" "$src/include" "$src/tests" "$src/docs" "$src/README.md" 2>/dev/null |
	grep -v 'test_exit_table.sh' || true)
check "no comment or doc cites a file outside the repository${outside:+ ($outside)}" test -z "$outside"

finish
