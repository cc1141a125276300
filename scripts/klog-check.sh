#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fails (and prints the lines) if a console log holds a kernel report:
# warnings, BUGs, oopses, lockdep splats, KASAN, kmemleak, debugobjects,
# atomic-sleep and hung-task reports. Module load taints are not reports.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 CONSOLE_LOG" >&2; exit 2; }

# Checkers' banners at boot ("kmemleak: Kernel memory leak detector
# initialized", "Lock dependency validator") name them without a report.
reports='WARNING:|BUG:|Oops|Kernel panic|general protection fault|Call Trace:'
reports+='|possible circular locking|possible recursive locking|inconsistent lock state'
reports+='|Invalid wait context|sleeping function called from invalid context'
reports+='|scheduling while atomic|DEBUG_LOCKS_WARN_ON|INFO: lockdep|lock held when returning'
reports+='|turning off the locking correctness validator|KASAN:'
reports+='|unreferenced object|suspected memory leak|ODEBUG:|UBSAN:|refcount_t:'
reports+='|list_(add|del) corruption|blocked for more than|rcu: INFO'
reports+='|segfault at|traps: '

if grep -q '^EVOBJ-DMESG-END' "$1"; then
	# The dmesg dump holds every kernel message; the kmemleak dump holds
	# the leaks. Test output around them is not scanned.
	text=$(sed -n '/^EVOBJ-KMEMLEAK-BEGIN/,/^EVOBJ-KMEMLEAK-END/p;/^EVOBJ-DMESG-BEGIN/,/^EVOBJ-DMESG-END/p' "$1")
else
	text=$(cat "$1")	# it crashed: all we have is the console
fi
if hits=$(grep -E -- "$reports" <<<"$text"); then
	echo "kernel reports in $1:" >&2
	head -n 40 <<<"$hits" >&2
	exit 1
fi
