#!/bin/bash
# Every shipped method writes exactly its passes: after each pass k (the
# --stop-after-pass hook) the whole device is read back and compared with
# the expected pattern, random byte, or the random stream regenerated from
# its recorded seed by openssl, independently of kesu.
source "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

size=$(( (2 << 20) + 3 * 512 ))  # not a multiple of the request size
img=$(make_image m.img "$size")
dev=$(attach "$img")

"$KESU" methods --json >"$WORK/methods.json"
# Firmware methods have no passes to check here (test_firmware.sh runs them).
for id in $(jq -r '.methods[] | select(.technique == "overwrite") | .id' "$WORK/methods.json"); do
	n=$(jq -r --arg id "$id" '.methods[] | select(.id == $id) | .passes | length' "$WORK/methods.json")
	bad=""
	for k in $(seq 1 "$n"); do
		rc=0
		"$KESU" wipe --yes --force --json --progress none --verify none --request-size 1M \
			--method "$id" --stop-after-pass "$k" "$dev" >"$WORK/r.json" 2>"$WORK/err" || rc=$?
		want_rc=6
		[ "$k" -eq "$n" ] && want_rc=7 # --verify none: written, not verified
		if [ "$rc" -ne "$want_rc" ]; then
			bad="$bad pass $k: exit $rc (wanted $want_rc) $(head -c 200 "$WORK/err");"
			continue
		fi
		pass=$(jq -c ".jobs[0].passes[$((k - 1))]" "$WORK/r.json")
		pattern=$(jq -r '.pattern' <<<"$pass")
		case "$pattern" in
		random) spec="random:$(jq -r '.seed' <<<"$pass")" ;;
		R*|~R*) spec=$(jq -r '.byte' <<<"$pass") ;;
		*) spec=$(tr -d ' ' <<<"$pattern") ;;
		esac
		want=$(python3 "$here/expect_bytes.py" "$size" "$spec")
		got=$(sha256sum "$dev" | cut -d' ' -f1)
		[ "$got" = "$want" ] || bad="$bad pass $k ($pattern) differs;"
		# complements really are complements of the byte before
		if [[ $pattern == "~R"* ]]; then
			r=${pattern#\~}
			prev=$(jq -r --arg r "$r" '[.jobs[0].passes[] | select(.pattern == $r)][0].byte' "$WORK/r.json")
			[ $(( 0x$prev ^ 0x$spec )) -eq 255 ] || bad="$bad pass $k: ~$r=$spec is not the complement of $prev;"
		fi
	done
	check "$id: all $n passes write exactly what the method says${bad:+:$bad}" test -z "$bad"
done

# The default method is the users' policy's: dod-3pass, verified.
"$KESU" wipe --yes --force --json --progress none "$dev" >"$WORK/r.json"
check "the default method is dod-3pass" test "$(jq -r '.jobs[0].method.id' "$WORK/r.json")" = dod-3pass
check "dod-3pass writes 00, ff, random and verifies the last pass" \
	test "$(jq -r '[.jobs[0].passes[] | .pattern] | join(",")' "$WORK/r.json"),$(jq -r '.jobs[0].passes[2].verification.passed' "$WORK/r.json")" = "00,ff,random,true"
finish
