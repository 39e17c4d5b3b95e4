#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# Naming tiers and header hygiene (issue 13; curl's public/Curl_/static):
#   kesu_*  public: declared in include/kesu/*.h, what front ends may call;
#   Kesu_*  internal: shared between library files, declared in src/lib/**.h;
#   static  everything used by one file only.
# Checked on the built library, so a new global function or variable that
# fits neither tier fails here (listed by name), and on the sources, so a
# front end that reaches into the library's internals fails too.
#
# $1: the kesu binary; libkesucore.a sits next to it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
LIB="$(dirname "$1")/libkesucore.a"
[ -f "$LIB" ] || { echo "FAIL: $LIB not found"; exit 1; }
WORK=$(mktemp -d /tmp/kesu-test_naming_tiers.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail=0

# Every identifier followed by "(" or declared as data in a public header.
cat "$SRC"/include/kesu/*.h | grep -oE '\bkesu_[a-z0-9_]+\b' | sort -u >"$WORK/public"

nm -g --defined-only "$LIB" | awk 'NF == 3 && $2 ~ /^[TDBRV]$/ {print $3}' | sort -u >"$WORK/defined"
[ -s "$WORK/defined" ] || { echo "FAIL: no symbols read from $LIB"; exit 1; }

while read -r sym; do
	case "$sym" in
	Kesu_*)
		if grep -qw "$sym" "$SRC"/include/kesu/*.h; then
			echo "FAIL: internal $sym is declared in a public header"; fail=1
		fi ;;
	kesu_*)
		if ! grep -qx "$sym" "$WORK/public"; then
			echo "FAIL: $sym is global but not in include/kesu: make it static or Kesu_${sym#kesu_}"; fail=1
		fi ;;
	*)
		echo "FAIL: global $sym has no tier prefix (kesu_ public, Kesu_ internal, or static)"; fail=1 ;;
	esac
done <"$WORK/defined"

# Front ends use only the public API: no Kesu_ names, no internal headers.
if grep -rnwE 'Kesu_[A-Za-z0-9_]+' "$SRC"/src/cli; then
	echo "FAIL: src/cli calls library internals (above)"; fail=1
fi
# A front end's own headers (those in src/cli) are its business.
while IFS= read -r line; do
	h=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$line")
	[ -f "$SRC/src/cli/$h" ] && [ "${h#*/}" = "$h" ] && continue
	echo "FAIL: front end includes an internal header: $line"; fail=1
done < <(grep -rnE '#include "[^"]+"' "$SRC"/src/cli | grep -vE '#include "kesu/[a-z0-9_]+\.h"' || true)

# The public headers a front end includes for a job or a firmware erase do
# not drag in the command builders, the PRNG or the target table.
for h in job.h firmware.h wipe.h; do
	if grep -nE '#include "(kesu/(prng|target)\.h|device_cmd\.h)"' "$SRC/include/kesu/$h"; then
		echo "FAIL: include/kesu/$h pulls in a header front ends do not need"; fail=1
	fi
done

n_public=$(grep -c '^kesu_' "$WORK/defined" || true)
n_internal=$(grep -c '^Kesu_' "$WORK/defined" || true)
if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "PASS: $n_public public and $n_internal internal symbols, each in its tier; src/cli uses the public API only"
