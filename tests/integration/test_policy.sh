#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# kesu policy show: the built-in default, the shipped example with FILE:LINE
# sources, the config file's policy = PATH under --policy, and malformed
# policies refused with one line naming FILE:LINE and exit status 2.
source "$(dirname "$0")/lib.sh"

SRC=${KESU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
EXAMPLE="$SRC/docs/policy-example.conf"

# line_of TEXT: the first line of the example that starts with TEXT
line_of() { grep -n -m1 "^$1" "$EXAMPLE" | cut -d: -f1; }

# one_line: stderr is exactly one line
one_line() { [ "$(wc -l <"$WORK/err")" -eq 1 ]; }

# ---- no policy file: the default ----
expect_exit 0 "policy show without a file" "$KESU" policy show
check "says it is the built-in default" grep -q '^Policy: built-in default' "$WORK/out"
# class I: approval and witness required; class III: neither; all from "default"
check "class I needs approval and a witness" awk '
	/^Class I \(/ { c = 1; next } /^Class/ { c = 0 }
	c && $1 == "approval" && $2 == "required" && $3 == "default" { a = 1 }
	c && $1 == "witness" && $2 == "required" && $3 == "default" { w = 1 }
	END { exit !(a && w) }' "$WORK/out"
check "class III needs neither" awk '
	/^Class III/ { c = 1; next } /^Class/ { c = 0 }
	c && $1 == "approval" && $2 == "optional" { a = 1 }
	c && $1 == "witness" && $2 == "optional" { w = 1 }
	c && $1 == "on_failure" && $2 == "none" { f = 1 }
	END { exit !(a && w && f) }' "$WORK/out"
check "every rule comes from the default" \
	test "$(grep -cE '^  [a-z_]+ +.* default$' "$WORK/out")" -eq 18

expect_exit 0 "policy show --json without a file" "$KESU" policy show --json
check "JSON: the default" jq -e '.path == null and .name == null
	and .classes.I.approval == {"value": "required", "from": "default"}
	and .classes.II.witness.value == "optional"
	and .classes.II.min_verify.value == "sample"
	and .classes.III.min_verify.value == "none"
	and .classes.I.methods.value == []' "$WORK/out"

# ---- the shipped example: FILE:LINE sources ----
expect_exit 0 "policy show --policy docs/policy-example.conf" \
	"$KESU" policy show --policy "$EXAMPLE" --json
check "JSON: the example's name and path" jq -e --arg p "$EXAMPLE" \
	'.path == $p and (.name | test("高松市"))' "$WORK/out"
check "JSON: class I full verification from its line" jq -e \
	--arg from "$EXAMPLE:$(line_of 'min_verify = full')" \
	'.classes.I.min_verify == {"value": "full", "from": $from}' "$WORK/out"
check "JSON: [all]'s floor applies to class III, from its line" jq -e \
	--arg from "$EXAMPLE:$(line_of 'min_level = clear')" \
	'.classes.III.min_level == {"value": "clear", "from": $from}' "$WORK/out"
check "JSON: class I methods are the NSA and DoD ones" jq -e \
	'.classes.I.methods.value == ["nsa-3pass", "dod-3pass", "dod-ece-7pass"]' "$WORK/out"
expect_exit 0 "policy show --policy (text)" "$KESU" policy show --policy "$EXAMPLE"
check "text: the source column names FILE:LINE" grep -qE \
	"^  witness +required +$EXAMPLE:$(line_of 'witness = required')\$" "$WORK/out"

# ---- the config file's policy = PATH, relative to the config file ----
CONF="$XDG_CONFIG_HOME/kesu/config"
printf '[class II]\napproval = optional\n' >"$XDG_CONFIG_HOME/kesu/city.policy"
echo 'policy = city.policy' >>"$CONF"
expect_exit 0 "policy = PATH in the config file" "$KESU" policy show --json
check "a relative path is next to the config file" jq -e \
	--arg from "$XDG_CONFIG_HOME/kesu/city.policy:2" \
	'.classes.II.approval == {"value": "optional", "from": $from}' "$WORK/out"
expect_exit 0 "--policy wins over the config file" "$KESU" policy show --json --policy "$EXAMPLE"
check "--policy's rules are in force" jq -e '.classes.II.approval.value == "required"' "$WORK/out"

# ---- malformed policies: one line, FILE:LINE, exit 2 ----
BAD="$WORK/bad.policy"
printf '# a policy\n[class I]\napproval = yes\n' >"$BAD"
expect_exit 2 "a bad value" "$KESU" policy show --policy "$BAD"
check "one line" one_line
check "names FILE:LINE and the reason" grep -qxF \
	"kesu: $BAD:3: approval: \"yes\" is not optional or required" "$WORK/err"
check "prints no rules" test ! -s "$WORK/out"

printf '[class I]\n\nmethods = dod-3pass, no-such-method\n' >"$BAD"
expect_exit 2 "an unknown method" "$KESU" policy show --policy "$BAD"
check "one line naming FILE:LINE and the method" \
	grep -qx "kesu: $BAD:3: methods: unknown method \"no-such-method\" .*" "$WORK/err"
check "one line" one_line

printf '[class I]\nwitness = required\n[class I]\n' >"$BAD"
expect_exit 2 "a section twice" "$KESU" policy show --policy "$BAD"
check "names the line of each" grep -qxF \
	"kesu: $BAD:3: duplicate section [class I], first at line 1" "$WORK/err"

printf '[class I]\nwitness = \xff\n' >"$BAD"
expect_exit 2 "invalid UTF-8" "$KESU" policy show --policy "$BAD"
check "names FILE:LINE" grep -q "^kesu: $BAD:2: not valid UTF-8" "$WORK/err"

# a malformed policy named by the config file stops every command that reads it
printf 'colour = red\n' >"$XDG_CONFIG_HOME/kesu/city.policy"
expect_exit 2 "a bad policy named by the config file" "$KESU" policy show
check "names the file and line" grep -qxF \
	"kesu: $XDG_CONFIG_HOME/kesu/city.policy:1: unknown key \"colour\" (name, trust, approval, witness, methods, min_level, min_verify, on_failure)" \
	"$WORK/err"

expect_exit 2 "a policy file that does not exist" "$KESU" policy show --policy "$WORK/none.policy"
check "one line naming it" grep -q "^kesu: policy file $WORK/none.policy: " "$WORK/err"
check "one line" one_line

expect_exit 2 "an unknown subcommand" "$KESU" policy list
check "one line" one_line
expect_exit 0 "--help" "$KESU" policy --help
check "--help names --policy" grep -q -- '--policy FILE' "$WORK/out"

finish
