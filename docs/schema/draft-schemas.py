"""Drafts docs/schema/*.schema.json from sample outputs: the strictest schema
the samples allow (every member they show, no other: additionalProperties
false), with the types of docs/formats.md's tables added where a fact was
null in every sample (loop devices know no serial, no SMART, ...).

  KESU_JSON_KEEP=/tmp/out bash tests/integration/test_json_schema.sh build/kesu
  python3 docs/schema/draft-schemas.py /tmp/out docs/schema docs/formats.md

Review the diff: a new member or type is a documented change of the format
(docs/formats.md, "Versions")."""
import json, sys, pathlib
src = pathlib.Path(sys.argv[1]); dst = pathlib.Path(sys.argv[2])
def load(name):
    p = src / name
    if p.suffix == '.jsonl':
        return [json.loads(l) for l in p.read_text().splitlines() if l.strip()]
    return [json.loads(p.read_text())]
TN = {dict: 'object', list: 'array', str: 'string', bool: 'boolean', int: 'integer', float: 'number', type(None): 'null'}
OPEN = set()  # paths whose contents are signed records: described elsewhere
def infer(values, path):
    if path in OPEN:
        return {"type": "object", "description": "a signed record or payload, kept as it was signed (docs/formats.md, \"Signed names\")"}
    types = {TN[type(v)] for v in values}
    if 'integer' in types and 'number' in types:
        types.discard('integer')
    s = {}
    nonnull = types - {'null'}
    if not nonnull:
        return {"description": "null in every sample: any type"}
    s["type"] = sorted(types)[0] if len(types) == 1 else sorted(types)
    objs = [v for v in values if isinstance(v, dict)]
    if objs:
        keys = []
        for o in objs:
            for k in o:
                if k not in keys: keys.append(k)
        s["properties"] = {k: infer([o[k] for o in objs if k in o], path + '.' + k) for k in keys}
        s["required"] = [k for k in keys if all(k in o for o in objs)]
        s["additionalProperties"] = False
    arrs = [v for v in values if isinstance(v, list)]
    if arrs:
        items = [x for a in arrs for x in a]
        if items:
            s["items"] = infer(items, path + '[]')
    return s
def write(name, title, samples, open_paths=(), extra=None):
    OPEN.clear(); OPEN.update(open_paths)
    vals = [x for f in samples for x in load(f)]
    s = {"$schema": "https://json-schema.org/draft/2020-12/schema",
         "$id": "https://kesu.invalid/schema/" + name + ".schema.json",
         "title": title}
    s.update(infer(vals, ''))
    if extra: extra(s)
    (dst / (name + '.schema.json')).write_text(json.dumps(s, indent=1, ensure_ascii=False) + '\n')
def version(s):
    s["properties"]["json_format_version"] = {"type": "array", "prefixItems": [{"const": 1}, {"type": "integer", "minimum": 0}], "minItems": 2, "maxItems": 2}
write('info', 'kesu info --json DEVICE', ['info.json'], extra=version)
write('list', 'kesu list --json', ['list.json'], extra=version)
write('wipe', 'kesu wipe --json', ['wipe.json', 'wipe_multi.json', 'wipe_failed.json'], extra=version)
write('verify', 'kesu verify --json', ['verify.json'], extra=version)
write('wipe-dry-run', 'kesu wipe --dry-run --json', ['wipe_dry_run.json'], extra=version)
def cert_show():
    # The payload is signed: its members are the ones it was signed with
    # (docs/certificate.md); only the version kesu adds when printing is fixed.
    s = {"$schema": "https://json-schema.org/draft/2020-12/schema",
         "$id": "https://kesu.invalid/schema/cert-show.schema.json",
         "title": "kesu cert show FILE.pdf: the certificate's signed payload",
         "type": "object", "required": ["json_format_version", "certificate_id"],
         "properties": {"certificate_id": {"type": "string"}}}
    version(s)
    (dst / 'cert-show.schema.json').write_text(json.dumps(s, indent=1, ensure_ascii=False) + '\n')
cert_show()
write('methods', 'kesu methods --json', ['methods.json'], extra=version)
write('methods-show', 'kesu methods show --json ID', ['methods_show.json', 'methods_show_firmware.json'], extra=version)
def ledger_list(s):
    version(s)
    row = s["properties"]["records"]["items"]["properties"]
    for k in ("seq", "record_hash", "record"):  # an open job: nothing chained yet
        t = row[k]["type"]
        row[k]["type"] = sorted(set([t] if isinstance(t, str) else t) | {"null"})
write('ledger-list', 'kesu ledger list --json and kesu ledger export --json', ['ledger_list.json', 'ledger_export.json', 'ledger_open.json'], open_paths=['.records[].record'], extra=ledger_list)
def ledger_verify(s):
    version(s)
    s["properties"]["head_hash"]["type"] = ["null", "string"]
    s["properties"]["first_bad"] = {"type": ["null", "object"], "required": ["seq", "job_id", "problem"],
        "additionalProperties": False, "properties": {"seq": {"type": "integer"},
        "job_id": {"type": "string"}, "problem": {"type": "string"}}}
write('ledger-verify', 'kesu ledger verify --json', ['ledger_verify.json'], extra=ledger_verify)
write('ledger-show', 'kesu ledger show --json', ['ledger_show.json'], open_paths=['.record'], extra=version)
write('media-list', 'kesu media list --json', ['media_list.json'], extra=version)
write('media-show', 'kesu media show --json', ['media_show.json'], extra=version)
write('policy', 'kesu policy show --json', ['policy.json'], extra=version)
write('destroy', 'kesu destroy --json', ['destroy.json'], extra=version)
write('trust-list', 'kesu trust list --json', ['trust_list.json'], extra=version)
write('approval-show', 'kesu approval show --json', ['approval_show.json'], extra=version)
write('approval-status', 'kesu approval status --json', ['approval_status.json'], extra=version)
write('error', 'any command with --json that failed before printing its document', ['error_usage.json', 'error_device.json'], extra=version)
def progress():
    lines = load('progress.jsonl')
    OPEN.clear()
    line = infer([l for l in lines if 'device' in l], '')
    version(line)
    line["title"] = "a drive's progress"
    msg = {"title": "a message (any text kesu would have printed on stderr)", "type": "object",
           "properties": {"json_format_version": {}, "message": {"type": "string"}},
           "required": ["json_format_version", "message"], "additionalProperties": False}
    version(msg)
    s = {"$schema": "https://json-schema.org/draft/2020-12/schema",
         "$id": "https://kesu.invalid/schema/progress.schema.json",
         "title": "one line of kesu wipe --progress json (standard error)", "oneOf": [line, msg]}
    (dst / 'progress.schema.json').write_text(json.dumps(s, indent=1, ensure_ascii=False) + '\n')
progress()
# Widen each documented field's type to what docs/formats.md's tables say
# ("string/null"): the samples come from loop devices, where many facts are null.
import re
doc = pathlib.Path(sys.argv[3]).read_text()
documented = {}
M = {'string': 'string', 'number': 'number', 'bool': 'boolean', 'object': 'object', 'array': 'array', 'null': 'null'}
for m in re.finditer(r'^\| `([a-z_.0-9]+)`(?:, `[a-z_]+`)? \| ([a-z /]+?) \|', doc, re.M):
    names = [m.group(1).split('.')[-1]]
    ts = {M[t] for t in re.split(r'[/ ]', m.group(2)) if t in M}
    for n in names:
        documented.setdefault(n, set()).update(ts)
def widen(s):
    if isinstance(s, dict):
        for k, v in s.get("properties", {}).items():
            if k in documented and isinstance(v, dict) and "$ref" not in v:
                have = v.get("type")
                have = set([have] if isinstance(have, str) else have or [])
                if v.get("description", "").startswith("null in every"):
                    have = {"null"}
                if 'integer' in have and 'number' in documented[k]:
                    have.discard('integer')
                # a name several tables share may differ in type: the samples'
                # type stays, the documentation adds only null (or, for a fact
                # null in every sample, its documented types)
                if have - {"null"}:
                    t = have | ({"null"} & documented[k])
                else:
                    t = have | documented[k]
                if t:
                    v["type"] = sorted(t)[0] if len(t) == 1 else sorted(t)
                    v.pop("description", None) if v.get("description", "").startswith("null in every") else None
            widen(v)
        if isinstance(s.get("items"), dict):
            widen(s["items"])
        for sub in s.get("oneOf", []):
            widen(sub)
for p in dst.glob('*.schema.json'):
    s = json.loads(p.read_text()); widen(s)
    p.write_text(json.dumps(s, indent=1, ensure_ascii=False) + '\n')
