#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Unload under load (issue 9, item 4), in a test VM where evobj is a
# loaded module (scripts/guest/vm-init.sh insmods /lib/evobj.ko):
#
#  1. while evobj_fuzz runs, `rmmod evobj` again and again must be refused
#     (the module busy) and leave the module loaded and working;
#  2. once the fuzzer has exited and every fd is closed, rmmod must
#     succeed;
#  3. insmod /lib/evobj.ko again, and create/set/wait must work.
#
#   unload-under-load.sh [SECONDS]    (the fuzzer's run, default 15)
#
# Prints one line per check and kselftest-style totals; exits non-zero on
# a failure, 4 (skip) where evobj is built in or there is no module file.
# POSIX sh, for busybox.

dir=$(cd "$(dirname "$0")" && pwd)
secs=${1:-15}
ko=${EVOBJ_KO:-/lib/evobj.ko}
pass=0 fail=0

ok() { echo "ok - unload: $*"; pass=$((pass + 1)); }
notok() { echo "not ok - unload: $*"; fail=$((fail + 1)); }
totals() {
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
	[ "$fail" -eq 0 ]
	exit $?
}
loaded() { grep -q '^evobj ' /proc/modules; }
nap() { usleep "$1" 2>/dev/null || sleep 1; }

if ! loaded; then
	if [ -e /dev/evobj ]; then
		echo "# SKIP unload: evobj is built into this kernel, not a module"
	else
		echo "# SKIP unload: evobj is not loaded"
	fi
	exit 4
fi
if [ ! -f "$ko" ]; then
	echo "# SKIP unload: no $ko to load again"
	exit 4
fi

# 1. Refused while in use. The fuzzer knows that a refused rmmod drops
# the module's references for an instant (--unload); its limits stay
# the module's (--no-limits): unloading is what this checks.
#
# The fuzzer's fds alone cannot say "in use" to the loop below: once it
# has exited, its last fds are closed and an rmmod must succeed, but
# kill -0 still finds it (a zombie, or not yet reaped) for a moment. So
# this shell holds /dev/evobj open on fd 9 until the fuzzer is waited
# for: every rmmod meanwhile must be refused, and one that succeeds is a
# module reference lost under the fuzzer's churn, never that race. (That
# an event fd alone pins the module is evobj_fd's module_pinned_by_event.)
[ -c /dev/evobj ] || { notok "no /dev/evobj while evobj is loaded"; totals; }
exec 9<>/dev/evobj
"$dir/evobj_fuzz" --unload --no-limits --seconds "$secs" --threads 4 9<&- &
fuzz=$!
nap 500000
tries=0 refused=0 wrong=0 msgs=
while kill -0 "$fuzz" 2>/dev/null; do
	tries=$((tries + 1))
	if out=$(rmmod evobj 2>&1); then
		wrong=$((wrong + 1))
		echo "# rmmod evobj succeeded while this shell held /dev/evobj open and the fuzzer (pid $fuzz) ran"
		break
	fi
	if ! loaded; then
		wrong=$((wrong + 1))
		echo "# rmmod evobj failed ($out) but the module is gone"
		break
	fi
	case $out in
	*"in use"*|*busy*|*"temporarily unavailable"*|*"would block"*)
		refused=$((refused + 1)) ;;
	*)
		wrong=$((wrong + 1))
		echo "# rmmod evobj: unexpected refusal: $out" ;;
	esac
	case $msgs in *"$out"*) ;; *) msgs="$msgs${msgs:+; }$out" ;; esac
	nap 100000
done
wait "$fuzz"
frc=$?
exec 9<&-
if [ "$wrong" -eq 0 ] && [ "$refused" -gt 0 ]; then
	ok "rmmod refused $refused times while in use ($msgs)"
else
	notok "rmmod while in use: $refused of $tries refused cleanly, $wrong wrong"
fi
if [ "$frc" -eq 0 ]; then
	ok "the fuzzer passed meanwhile"
else
	notok "the fuzzer failed (exit $frc) while rmmod ran"
fi
# If rmmod wrongly succeeded, the rest cannot be meaningful.
loaded || { notok "evobj was unloaded under load"; totals; }

# 2. Every fd is closed now: rmmod must succeed. Files that reached
# their last fput() outside a task are released by a worker, so allow
# that a moment.
n=0
until out=$(rmmod evobj 2>&1); do
	n=$((n + 1))
	if [ "$n" -ge 50 ]; then
		break
	fi
	nap 100000
done
if loaded; then
	notok "rmmod after the last fd closed: still refused after $n tries ($out)"
	totals
fi
ok "rmmod succeeded once every fd was closed (after $n refusals)"
if [ -e /dev/evobj ]; then
	notok "/dev/evobj outlives the module"
else
	ok "/dev/evobj is gone with the module"
fi

# 3. Load it again; it must work.
if ! insmod "$ko"; then
	notok "insmod $ko again failed"
	totals
fi
ok "insmod again"
n=0
while [ ! -e /dev/evobj ] && [ "$n" -lt 20 ]; do
	n=$((n + 1))
	nap 100000
done
if "$dir/evobj_fuzz" --smoke; then
	ok "create/set/wait after the reload"
else
	notok "create/set/wait after the reload"
fi
totals
