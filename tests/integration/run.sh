#!/usr/bin/env bash
# Run every integration test (tests/integration/test-*.sh) and print a
# closing "N passed, N failed" line.  Needs root.  PC_SKIP_VM=1 skips the
# VM test (it boots a Debian kernel under qemu and takes minutes).
set -uo pipefail
cd "$(dirname "$0")"
passed=0 failed=0 skipped=0 failures=()
for t in test-*.sh; do
	if [ "${PC_SKIP_VM:-0}" = 1 ] && [[ $t == *vm* ]]; then
		echo "SKIP $t"
		skipped=$((skipped + 1))
		continue
	fi
	echo "=== $t"
	start=$(date +%s)
	if bash "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$t")
	fi
	echo "=== $t: $(( $(date +%s) - start )) s"
done
[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
