#!/bin/bash
# Every field that docs/formats.md documents for `kesu list --json` and
# `kesu info --json` is present in every device object, and no undocumented
# field appears: the documentation and the program cannot drift apart.
source "$(dirname "$0")/lib.sh"
doc=${KESU_SOURCE_DIR:?}/docs/formats.md

# The field table of the device object: rows like "| `path` | string | ...".
sed -n '/^## Device object/,/^## /p' "$doc" | grep -oE '^\| `[a-z_.]+`' | tr -d '|` ' | sort >"$WORK/documented"
check "docs/formats.md documents device fields" test "$(wc -l <"$WORK/documented")" -ge 30

img=$(make_image disk.img 16M)
sgdisk -n1:0:0 -t1:8300 "$img" >/dev/null
dev=$(attach "$img")
"$KESU" list --json >"$WORK/list.json"
"$KESU" info --json "$dev" >"$WORK/info.json"
check "list --json has a kesu_version" jq -e '.kesu_version | type == "string"' "$WORK/list.json"
check "list --json starts with json_format_version [1, 1]" jq -e '(keys_unsorted[0] == "json_format_version") and .json_format_version == [1, 1]' "$WORK/list.json"
# The same documents against their JSON Schemas (docs/schema/; the other
# outputs: test_json_schema.sh).
valid() {
	python3 -W ignore -c 'import json, sys
from jsonschema import Draft202012Validator
v = Draft202012Validator(json.load(open(sys.argv[1])))
errors = [e.message for e in v.iter_errors(json.load(open(sys.argv[2])))]
sys.exit(print("\n".join(errors[:3])) or 1 if errors else 0)' "${KESU_SOURCE_DIR}/docs/schema/$1.schema.json" "$2"
}
check "list --json validates against docs/schema/list.schema.json" valid list "$WORK/list.json"
check "info --json validates against docs/schema/info.schema.json" valid info "$WORK/info.json"
jq '.devices[0].size |= tostring' "$WORK/list.json" >"$WORK/list-bad.json"
refused() { ! valid "$@" >/dev/null; }
check "a size as text is refused" refused list "$WORK/list-bad.json"
check "list --json lists at least the test's loop device" \
	jq -e --arg d "$dev" '[.devices[].path] | index($d) != null' "$WORK/list.json"

# Field paths of each device object: top-level keys and one level into
# objects ("smart.healthy"), not into arrays of partitions.
paths='[paths | select(length <= 2) | map(tostring) | join(".")] | map(select(test("\\.[0-9]+$|^partitions\\.[0-9]") | not)) | .[]'
n=$(jq '.devices | length' "$WORK/list.json")
for i in $(seq 0 $((n - 1))); do
	jq -r ".devices[$i] | $paths" "$WORK/list.json" | sort -u >"$WORK/actual"
	path=$(jq -r ".devices[$i].path" "$WORK/list.json")
	missing=$(comm -23 "$WORK/documented" "$WORK/actual" | tr '\n' ' ')
	extra=$(comm -13 "$WORK/documented" "$WORK/actual" | tr '\n' ' ')
	check "$path: every documented field present${missing:+ (missing: $missing)}" test -z "$missing"
	check "$path: no undocumented field${extra:+ (extra: $extra)}" test -z "$extra"
done
jq -r "del(.kesu_version, .json_format_version) | $paths" "$WORK/info.json" | sort -u >"$WORK/actual"
check "info --json has exactly the documented fields" cmp -s "$WORK/documented" "$WORK/actual"
sed -n '/^## Partition object/,/^## /p' "$doc" | grep -oE '^\| `[a-z_]+`' | tr -d '|` ' | sort >"$WORK/documented_part"
jq -r --arg d "$dev" '.devices[] | select(.path == $d) | .partitions[0] | keys[]' "$WORK/list.json" | sort >"$WORK/actual_part"
check "partition objects have exactly the documented fields" cmp -s "$WORK/documented_part" "$WORK/actual_part"

# The job result of kesu wipe --json, with a verified pass.
documented() { sed -n "/^## $1/,/^## /p" "$doc" | grep -oE '^\| `[a-z_.0-9]+`' | tr -d '|` ' | sort; }
"$KESU" wipe --yes --force --json --progress none --method nist-clear "$dev" >"$WORK/wipe.json"
jq -r '.jobs[0] | [paths | select(length <= 2) | map(tostring) | join(".")] | map(select(test("^device\\.|^passes\\.[0-9]") | not)) | .[]' "$WORK/wipe.json" | sort -u >"$WORK/actual_job"
check "job objects have exactly the documented fields" cmp -s <(documented "Job object") "$WORK/actual_job"
jq -r '.jobs[0].passes[0] | keys[]' "$WORK/wipe.json" | sort >"$WORK/actual_pass"
check "pass objects have exactly the documented fields" cmp -s <(documented "Pass object") "$WORK/actual_pass"
jq -r '.jobs[0].passes[0].verification | keys[]' "$WORK/wipe.json" | sort >"$WORK/actual_verification"
check "verification objects have exactly the documented fields" cmp -s <(documented "Verification object") "$WORK/actual_verification"

finish
