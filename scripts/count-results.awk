# SPDX-License-Identifier: GPL-2.0-only
#
# Counts the results of one guest suite in a VM console log:
#   awk -v suite=NAME -f count-results.awk LOG   ->   "PASS FAIL SKIP"
# It reads kselftest totals, GoogleTest summaries, run-tests.sh's lines
# and the suite's exit
# status (scripts/guest-tests.sh markers). A suite that never started or
# never finished, or that failed without saying which test did, counts
# as one failure; so does one whose every test skipped.
$0 == "EVOBJ-SUITE-BEGIN " suite { inside = 1; began = 1; next }
inside && index($0, "EVOBJ-SUITE-END " suite " rc=") == 1 {
	inside = 0; ended = 1; rc = substr($0, length("EVOBJ-SUITE-END " suite " rc=") + 1)
	next
}
!inside { next }
/^# Totals: pass:/ {
	for (i = 2; i <= NF; i++) {
		split($i, kv, ":")
		if (kv[1] == "pass") pass += kv[2]
		else if (kv[1] == "fail" || kv[1] == "error" || kv[1] == "xpass") fail += kv[2]
		else if (kv[1] == "skip") skip += kv[2]
	}
}
/^\[  PASSED  \] [0-9]+ test/ { pass += $4 }
/^\[  FAILED  \] [0-9]+ test/ { fail += $4 }
/^\[  SKIPPED \] [0-9]+ test/ { skip += $4 }
# userspace/run-tests.sh: one line per program; the GoogleTest binaries'
# (named *_tests) own tests are counted above, from their summaries. One
# that is missing has no summary, so it counts here.
/^=== run-tests: \.\/[a-z0-9_]+: ok$/ && $3 !~ /_tests:$/ { pass++ }
/^=== run-tests: (\.\/)?[a-z0-9_]+: (FAILED|MISSING)/ && ($3 !~ /_tests:$/ || $4 == "MISSING") { fail++ }
END {
	if (!began || !ended) fail++
	else if (rc != 0 && fail == 0) fail++
	else if (pass + fail + skip == 0) { if (rc == 0) pass++ }
	if (pass == 0 && fail == 0 && skip > 0) fail++
	printf "%d %d %d\n", pass, fail, skip
}
