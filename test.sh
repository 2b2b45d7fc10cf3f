#!/usr/bin/env bash
# Runs the whole test suite and ends with one summary line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
results=$(mktemp -d)
dotnet test LoadBalancer.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?
python3 - "$results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    if c is None: continue
    passed = int(c.get("passed", 0)); failed = int(c.get("failed", 0)) + int(c.get("error", 0))
    p += passed; f += failed
    s += max(int(c.get("total", 0)) - passed - failed, 0)  # xunit v3 skips are neither passed nor failed
print(f"{p} passed, {f} failed, {s} skipped")
PY
exit $status
