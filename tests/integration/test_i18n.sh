#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# Japanese messages (docs/i18n.md): under LANG=ja_JP.UTF-8 the command's
# errors, its help, the methods headings and the library's err texts are
# Japanese, even on a machine without an installed ja_JP locale (kesu falls
# back to LANGUAGE=ja); LANG=C and en_US stay English byte for byte; and
# po/ja translates every message of kesu.pot, with matching formats.
source "$(dirname "$0")/lib.sh"

BUILD=$(dirname "$KESU")
SRC=${KESU_SOURCE_DIR:-$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BUILD/CMakeCache.txt")}
unset LC_ALL LC_MESSAGES LANGUAGE KESU_LOCALEDIR

# Japanese text: kana or kanji (UTF-8 byte patterns, so no locale is needed)
japanese() {
	LC_ALL=C grep -qP '\xe3[\x81-\x83][\x80-\xbf]|[\xe4-\xe9][\x80-\xbf][\x80-\xbf]' "$@"
}
# in_lang LANG COMMAND...: runs the command with only LANG set
in_lang() {
	local lang=$1
	shift
	if [ -n "$lang" ]; then env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG="$lang" "$@"
	else env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG "$@"; fi
}

# --- a command error: one line, "kesu: ", Japanese, exit 2 ---
expect_exit 2 "ja: wipe of a missing device" in_lang ja_JP.UTF-8 "$KESU" wipe /dev/nonexistent --yes --operator x
check "ja: one line" test "$(wc -l <"$WORK/err")" -eq 1
check "ja: starts with kesu: and names the device" grep -q '^kesu: /dev/nonexistent' "$WORK/err"
check "ja: the reason is Japanese" japanese "$WORK/err"
cp "$WORK/err" "$WORK/err.ja"

# --- help and table headings ---
expect_exit 0 "ja: kesu wipe --help" in_lang ja_JP.UTF-8 "$KESU" wipe --help
check "ja: the wipe help is Japanese" japanese "$WORK/out"
check "ja: options are not translated" grep -q -- '--method' "$WORK/out"
expect_exit 0 "ja: kesu --help" in_lang ja_JP.UTF-8 "$KESU" --help
check "ja: the command summaries are Japanese" japanese "$WORK/out"
expect_exit 0 "ja: kesu methods" in_lang ja_JP.UTF-8 "$KESU" methods
check "ja: the methods headings are Japanese" japanese <(head -1 "$WORK/out")
check "ja: method ids are not translated" grep -qE '^dod-3pass\* ' "$WORK/out"

# --- a library err text (the policy parser's FILE:LINE: reason) ---
printf '[class I]\napproval = sometimes\n' >"$WORK/bad.policy"
expect_exit 2 "ja: a malformed policy file" in_lang ja_JP.UTF-8 "$KESU" policy show --policy "$WORK/bad.policy"
check "ja: FILE:LINE: kept" grep -q "^kesu: $WORK/bad.policy:2: " "$WORK/err"
check "ja: the library's reason is Japanese" japanese "$WORK/err"
check "ja: the value is quoted as given" grep -q '"sometimes"' "$WORK/err"

# --- JSON is never translated: a --json or --progress json run speaks English ---
expect_exit 2 "ja --json: a malformed policy file" in_lang ja_JP.UTF-8 "$KESU" policy show --json --policy "$WORK/bad.policy"
check "ja --json: the error's message is English" jq -e '.error.message | test("is not optional or required")' "$WORK/out"
if japanese "$WORK/out"; then not_ok "ja --json: Japanese in the JSON"; else ok "ja --json: nothing Japanese in the JSON"; fi
expect_exit 2 "ja --progress json: wipe of a missing device" in_lang ja_JP.UTF-8 "$KESU" wipe --progress json /dev/nonexistent --yes --operator x
check "ja --progress json: the message line is English" jq -e 'select(.message) | .message | test("No such file")' "$WORK/err"

# --- English stays English, byte for byte ---
for cmd in "wipe --help" "methods" "--help"; do
	# shellcheck disable=SC2086 # the command's words
	in_lang "" "$KESU" $cmd >"$WORK/plain" 2>&1 || true
	for lang in C en_US.UTF-8; do
		# shellcheck disable=SC2086
		in_lang "$lang" "$KESU" $cmd >"$WORK/$lang" 2>&1 || true
		check "LANG=$lang: kesu $cmd unchanged" cmp -s "$WORK/plain" "$WORK/$lang"
	done
done
expect_exit 2 "LANG=C: the same error" in_lang C "$KESU" wipe /dev/nonexistent --yes --operator x
check "LANG=C: English" grep -qx 'kesu: /dev/nonexistent: No such file or directory' "$WORK/err"

# --- po/ja against the sources: every message translated, formats match ---
if cmake --build "$BUILD" --target kesu-pot >"$WORK/pot.log" 2>&1; then
	ok "kesu.pot built"
else
	not_ok "kesu.pot built: $(tail -3 "$WORK/pot.log")"
fi
msgcat --use-first --force-po -o "$WORK/ja.po" "$SRC"/po/ja/*.po
check "msgfmt --check on the joined po/ja" msgfmt --check -o /dev/null "$WORK/ja.po" 2>/dev/null
msgmerge --quiet --no-fuzzy-matching -o "$WORK/merged.po" "$WORK/ja.po" "$BUILD/kesu.pot"
msgattrib --untranslated --no-obsolete --no-wrap -o "$WORK/untranslated.po" "$WORK/merged.po"
msgattrib --only-fuzzy --no-obsolete --no-wrap -o "$WORK/fuzzy.po" "$WORK/merged.po"
# every entry but the header
count() { grep -c '^msgid ' "$1" | awk '{ print ($1 > 0 ? $1 - 1 : 0) }'; }
untranslated=0
[ -s "$WORK/untranslated.po" ] && untranslated=$(count "$WORK/untranslated.po")
fuzzy=0
[ -s "$WORK/fuzzy.po" ] && fuzzy=$(count "$WORK/fuzzy.po")
total=$(count "$BUILD/kesu.pot")
echo "# kesu.pot: $total messages; untranslated in po/ja: $untranslated; fuzzy: $fuzzy"
if [ "$untranslated" -gt 0 ]; then
	echo "# the first untranslated (po/ja/<area>.po; docs/i18n.md):"
	# each one's first line (a long msgid starts with msgid "" and goes on)
	awk '/^msgid /{ m = ($2 == "\"\"") ? "" : $0; want = (m == ""); if (!want) print m; next }
	     want && /^"/ { print "msgid " $0; want = 0 }' "$WORK/untranslated.po" |
		tail -n +2 | head -10 | sed 's/^/#   /'
fi
check "every message of kesu.pot is translated" test "$untranslated" -eq 0
check "no fuzzy translation" test "$fuzzy" -eq 0
# msgmerge keeps a translation the sources no longer have as obsolete (#~):
# stale entries would hide that a message changed under its translation.
obsolete=$(grep -c '^#~ msgid ' "$WORK/merged.po" || true)
echo "# translations of messages no longer in the sources: $obsolete"
if [ "$obsolete" -gt 0 ]; then
	stale=$(grep -A1 '^#~ msgid ' "$WORK/merged.po" || true)
	sed 's/^/#   /' <<<"${stale:0:600}"
fi
check "po/ja holds no translation of a message the sources no longer have" test "$obsolete" -eq 0

finish
