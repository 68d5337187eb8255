#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (Debian packages) and runs the whole test suite.
# Ends with a line "N passed, N failed" summed over every test project.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/scripts/setup.sh" --tests || exit 1

source "$root/scripts/allocator.sh"   # the tests train models too: the launcher's allocator (docs/build-notes.md)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test StreamJepa.sln -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the build or a test host failed before any test could report
fi
echo "$passed passed, $failed failed"
exit "$status"
