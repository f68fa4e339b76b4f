#!/usr/bin/env bash
# The README's pictures in docs/ are what tools/docs-pictures draws with this build:
# regenerates them into a temporary folder and compares (check_docs.py says how).
# usage: docs_pictures.sh MAILSIM ROOT
set -euo pipefail
mailsim=$1 root=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
MAILSIM=$mailsim "$root/tools/docs-pictures" --out "$work"
/usr/bin/python3 "$here/check_docs.py" "$root/docs" "$work"
