#!/usr/bin/env bash
# The demo: installs what is missing, builds the npm package, then serves www/ (Vite dev server).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f www/package.json ]; then echo "demo: no www/ in this checkout" >&2; exit 1; fi
bash scripts/setup.sh
bash scripts/build.sh
# www depends on "spanlink": "file:../npm"; refresh its link in case dist/ was rebuilt.
exec npm --prefix www run dev -- --host 127.0.0.1 "$@"
