# SPDX-License-Identifier: GPL-2.0-only
#
# Counts the results of one guest suite in a VM console log, on the host
# (the guest does not keep its suites' output), and prints its result
# line in scripts/lib.sh's format, named NAME (default: the suite):
#   awk -v suite=SUITE [-v name=NAME] -f count-results.awk LOG
#     ->   "RESULT NAME: P passed, F failed, S skipped"
# It reads kselftest totals, GoogleTest summaries, run-tests.sh's lines
# and the suite's exit status (scripts/guest/guest-tests.sh markers). A
# suite that never started or never finished, or that failed without
# saying which test did, counts as one failure; so does one whose every
# test skipped.
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
# userspace/run-tests.sh: "=== run-tests: ./prog ARGS" when a program
# starts, "=== run-tests: ./prog: ok" or ": FAILED (status N)" when it
# ends, "=== run-tests: prog: MISSING". A program that printed its own
# totals (GoogleTest, kselftest) was counted by them above; any other
# counts once here, and so does one that failed without saying how
# many of its tests did (a crash).
/^=== run-tests: \.\/[a-z0-9_]+( |$)/ && $NF !~ /^ok$|^\(status/ { summary = 0; next }
/^# Totals: pass:|^\[  (PASSED  |FAILED  |SKIPPED )\] [0-9]+ test/ { summary = 1 }
/^=== run-tests: \.\/[a-z0-9_]+: ok$/ && !summary { pass++ }
/^=== run-tests: \.\/[a-z0-9_]+: FAILED/ && !summary { fail++ }
/^=== run-tests: [a-z0-9_]+: MISSING/ { fail++ }
END {
	if (!began || !ended) fail++
	else if (rc != 0 && fail == 0) fail++
	else if (pass + fail + skip == 0) { if (rc == 0) pass++ }
	if (pass == 0 && fail == 0 && skip > 0) fail++
	printf "RESULT %s: %d passed, %d failed, %d skipped\n", (name != "" ? name : suite), pass, fail, skip
}
