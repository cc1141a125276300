#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# evobj's /dev/ntsync against the real ntsync driver, in one VM run. The
# two cannot serve /dev/ntsync at once (evobj does not register its own
# where one exists), so the guest alternates, ROUNDS times each:
#
#   real: insmod KO; insmod evobj.ko ntsync=0; bench; rmmod both
#   ours: insmod evobj.ko;                     bench; rmmod evobj
#
# running `evobjctl bench --only ntsync` under each, whose ntsync-ABI
# rows then time the real driver and ours in turn. Its evobj-ABI rows
# time evobj's own ioctls under both loads: they should not move, and
# their ours/real ratio shows how far the host drifted between loads.
# Prints, per figure, the median over the rounds of each load and
# ours/real. KO is a real ntsync.ko built for the kernel flavour, e.g.
# mainline drivers/misc/ntsync.c built out of tree (README, "Against
# ntsync"); its source is not part of this repository.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [-k FLAVOUR] [--rounds N] [--trials N] [--icount] KO
  -k, --kernel FLAVOUR  6.12 (default), 6.12-rt or 6.1
      --rounds N        loads of each, interleaved (default 3)
      --trials N        evobjctl bench --trials (default 3)
      --icount          one vCPU on an instruction clock (scripts/icount.sh):
                        figures count work, whatever the host does, but
                        the 2-CPU rows then share one CPU
  KO                    the real ntsync.ko
USAGE
	exit "${1:-2}"
}

flavour=6.12 rounds=3 trials=3 icount=0 ko=
while [ $# -gt 0 ]; do
	case $1 in
	-k|--kernel) flavour=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--trials) trials=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	-h|--help) usage 0 ;;
	-*) usage ;;
	*) [ -z "$ko" ] || usage; ko=$1; shift ;;
	esac
done
[ -n "$ko" ] || usage
[ -f "$ko" ] || die "no module $ko"
modinfo -F name "$ko" 2>/dev/null | grep -qx ntsync || die "$ko is not an ntsync module"

out=$EVOBJ_BUILD/bench-ntsync
payload=$out/payload
rm -rf "$payload"
mkdir -p "$payload"
cp "$ko" "$payload/ntsync.ko"

say "building the module"
cp "$("$EVOBJ_ROOT/scripts/build-module.sh" "$flavour")" "$payload/evobj.ko"

say "building evobjctl"
build=$out/userspace
cmake -S "$EVOBJ_ROOT/userspace" -B "$build" -DCMAKE_BUILD_TYPE=Release \
	-DEVOBJ_STATIC_PAYLOAD=ON -DEVOBJ_WERROR=ON -DEVOBJ_BUILD_TESTS=OFF \
	-DEVOBJ_BUILD_EXAMPLES=OFF -DEVOBJ_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target evobjctl -j"$(nproc)" >/dev/null
cp "$build/tools/evobjctl/evobjctl" "$payload/"

# The guest prints each run's CSV between marker lines named after the
# load, and fails if /dev/ntsync is not whose it should be.
cat >"$payload/nt.sh" <<GUEST
set -e
run() {
	./evobjctl bench --only ntsync --trials $trials --csv /tmp/\$1.csv >/dev/null
	echo "EVOBJ-NT-BEGIN \$1"
	cat /tmp/\$1.csv
	echo "EVOBJ-NT-END"
}
for r in \$(seq $rounds); do
	insmod ./ntsync.ko
	insmod ./evobj.ko ntsync=0
	grep -q '^ntsync ' /proc/modules || { echo "EVOBJ-NT-NO-REAL"; exit 1; }
	run real
	rmmod evobj
	rmmod ntsync
	insmod ./evobj.ko
	if [ ! -c /dev/ntsync ] || grep -q '^ntsync ' /proc/modules; then
		echo "EVOBJ-NT-NOT-OURS"
		exit 1
	fi
	run ours
	rmmod evobj
done
GUEST

vm_args=()
if [ "$icount" = 1 ]; then
	. "$EVOBJ_ROOT/scripts/icount.sh"
	vm_args=("${icount_vm_args[@]}")
fi
say "running the real ntsync and evobj's alternately in one $flavour VM, $rounds rounds"
"$EVOBJ_ROOT/scripts/vm.sh" "${vm_args[@]}" -k "$flavour" -a idle=poll --no-module -p "$payload" \
	-t 3600 -l "$out/vm.log" -- "sh ./nt.sh" >/dev/null || die "the run failed; see $out/vm.log"

# benchmark,variant,param,metric,value,... per run; medians per load.
# A quoted variant ("a, b") is one field: its commas become semicolons.
tr -d '\r' <"$out/vm.log" | sed -E ':q; s/^([^"]*"[^",]*),([^"]*")/\1;\2/; tq; s/"//g' | awk -F, '
/^EVOBJ-NT-BEGIN / { m = $0; sub(/^EVOBJ-NT-BEGIN /, "", m); next }
/^EVOBJ-NT-END/ { m = ""; next }
m != "" && $1 != "benchmark" && NF >= 6 {
	k = $1 " | " $2 " | " $3 " | " $4 " (" $6 ")"
	n = ++cnt[m, k]; v[m, k, n] = $5; keys[k] = 1
}
function med(m, k,    n, i, j, t, a) {
	n = cnt[m, k]
	for (i = 1; i <= n; i++) a[i] = v[m, k, i]
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	printf "%-84s %11s %11s %9s\n", "figure (ntsync rows: the driver; evobj rows: control)",
		"real load", "ours load", "ours/real"
	for (k in keys) {
		if (!cnt["real", k] || !cnt["ours", k]) continue
		a = med("real", k); b = med("ours", k)
		printf "%-84s %11.1f %11.1f %9.3f\n", k, a, b, a ? b / a : 0
	}
}' | sort
say "console: $out/vm.log"
