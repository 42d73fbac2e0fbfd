#!/usr/bin/env python3
"""Print a YAML case file of ../shared/corpus as one JSON document on stdout.

The C runners read JSON (gojson); the corpus is YAML. Payload fields that must
stay byte-exact (`json`, `asRun`, `raw`) are strings in the case files, so this
conversion cannot change them. Usage: case2json.py CASE.yaml
"""
import json
import sys

import yaml


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: case2json.py CASE.yaml")
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    json.dump(doc, sys.stdout, ensure_ascii=False, sort_keys=True, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
