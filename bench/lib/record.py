#!/usr/bin/env python3
"""Appends one JSON line to a results file.

  record.py OUT key=value ... key=@file.json ...

A value starting with @ is read as JSON from that file (an empty or unreadable file gives null); integers and
decimals become numbers; everything else stays a string.
"""
import json
import sys


def value(text):
    if text.startswith("@"):
        try:
            with open(text[1:]) as f:
                data = f.read().strip()
            return json.loads(data) if data else None
        except (OSError, ValueError):
            return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def main():
    row = {}
    for arg in sys.argv[2:]:
        key, _, text = arg.partition("=")
        row[key] = value(text)
    with open(sys.argv[1], "a") as f:
        f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
