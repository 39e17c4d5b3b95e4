#!/usr/bin/env python3
"""Validates kesu's JSON outputs against docs/schema/ (docs/formats.md, "Schemas").

    validate_json.py SCHEMA-DIR PAIRS-FILE

Each line of PAIRS-FILE is "PATH NAME [refuse]": the document at PATH (each
line of a .jsonl) against NAME.schema.json. Prints one "ok - ..." or
"not ok - ..." line per pair; with "refuse" the document must be refused (a
mutated output, so the validator is seen to refuse). A valid document must
also have json_format_version as its first member.
"""
import json
import pathlib
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
from jsonschema import Draft202012Validator  # noqa: E402

schema_dir = pathlib.Path(sys.argv[1])
for line in pathlib.Path(sys.argv[2]).read_text().splitlines():
    path, name, *refuse = line.split()
    schema = json.loads((schema_dir / (name + ".schema.json")).read_text())
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    text = pathlib.Path(path).read_text()
    docs = [json.loads(l) for l in text.splitlines()] if path.endswith(".jsonl") else [json.loads(text)]
    errors = [e.message for d in docs for e in v.iter_errors(d)]
    if not refuse and any(list(d)[:1] != ["json_format_version"] for d in docs):
        errors.append("json_format_version is not the first member")
    ok = bool(errors) if refuse else not errors
    detail = "" if ok else ": " + "; ".join(m[:200] for m in errors[:3])
    print(("ok" if ok else "not ok") + f" - {pathlib.Path(path).name} against {name}.schema.json: "
          + ("refused" if refuse else "valid") + detail)
