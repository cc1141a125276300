# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared by the scripts: where things live, and the kernels we test on.
# Sourced, never run.

EVOBJ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EVOBJ_CACHE=${EVOBJ_CACHE:-$HOME/.cache/evobj}
EVOBJ_BUILD=${EVOBJ_BUILD:-$EVOBJ_ROOT/build}
EVOBJ_SRC=$EVOBJ_CACHE/linux-source-6.12
# Another debug kernel (say, one built from an older evobj) may be named.
EVOBJ_DEBUG_BZIMAGE=${EVOBJ_DEBUG_BZIMAGE:-$EVOBJ_CACHE/kunit-build/arch/x86/boot/bzImage}

# The Debian kernels: flavour -> headers metapackage.
declare -A EVOBJ_META=(
	[6.12]=linux-headers-6.12-amd64
	[6.12-rt]=linux-headers-6.12-rt-amd64
	[6.1]=linux-headers-amd64
)
EVOBJ_FLAVOURS=(6.12 6.12-rt 6.1)

die() { echo "${0##*/}: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

# The one result-line format: every suite runner of scripts/test.sh
# prints one line per suite or step it counted, on stdout,
#   RESULT NAME: P passed, F failed, S skipped
# with this function, or in awk or busybox sh the same printf
# (count-results.awk for the guest suites, scripts/guest/udev-guest.sh).
result_line() {	# NAME PASS FAIL SKIP
	printf 'RESULT %s: %d passed, %d failed, %d skipped\n' "$@"
}

# The one parser of those lines, for scripts/test.sh: prints "PASS FAIL
# SKIP NAME" for each in LOG, the output of the runner LABEL that exited
# with RC. One failure more, under LABEL, for a runner that printed no
# line (it did not run, or died first), and for one that exited non-zero
# with no failure counted (a kernel report, a crash after its counts).
parse_results() {	# LABEL RC LOG
	local label=$1 rc=$2 log=$3 line lines=0 failures=0
	local re='^RESULT (.+): ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$'
	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		echo "${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${BASH_REMATCH[4]} ${BASH_REMATCH[1]}"
		lines=$((lines + 1)) failures=$((failures + BASH_REMATCH[3]))
	done < <(grep -s "^RESULT " "$log")
	if [ "$lines" = 0 ]; then
		echo "0 1 0 $label: no result line (exit $rc)"
	elif [ "$rc" != 0 ] && [ "$failures" = 0 ]; then
		echo "0 1 0 $label: exit $rc with no failure counted"
	fi
}

# The exact kernel release behind a flavour, from the metapackage's
# dependency (linux-headers-6.12-amd64 -> 6.12.117+deb12-amd64).
kernel_release() {
	local meta=${EVOBJ_META[$1]:-} dep
	[ -n "$meta" ] || die "unknown kernel flavour '$1' (one of: ${EVOBJ_FLAVOURS[*]} debug)"
	dep=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null) ||
		die "$meta is not installed; run scripts/setup.sh"
	dep=${dep%% *}
	echo "${dep#linux-headers-}"
}

# The vmlinuz of a release: /boot if the image is installed, else the
# one scripts/setup.sh unpacked into the cache.
kernel_image() {
	local rel=$1
	for f in /boot/vmlinuz-"$rel" "$EVOBJ_CACHE/kernels/$rel/boot/vmlinuz-$rel"; do
		[ -r "$f" ] && { echo "$f"; return; }
	done
	die "no kernel image for $rel; run scripts/setup.sh"
}

# Lays out the guest payload of the latency measurements (irqsoff.sh,
# rt-latency.sh) in DIR: evobj-adversary (ADVERSARY, or built in BUILD)
# and the guest script.
latency_payload() {	# DIR BUILD [ADVERSARY]
	local dir=$1 build=$2 adversary=${3:-}
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ -z "$adversary" ]; then
		say "building evobj-adversary in $build"
		cmake -S "$EVOBJ_ROOT/userspace" -B "$build" -DCMAKE_BUILD_TYPE=Release \
			-DEVOBJ_STATIC_PAYLOAD=ON -DEVOBJ_WERROR=ON -DEVOBJ_BUILD_TESTS=OFF \
			-DEVOBJ_BUILD_EXAMPLES=OFF -DEVOBJ_BUILD_TOOLS=OFF >/dev/null
		cmake --build "$build" --target evobj-adversary -j"$(nproc)" >/dev/null
		adversary=$build/bench/evobj-adversary
	fi
	cp "$adversary" "$dir/evobj-adversary"
	cp "$EVOBJ_ROOT/scripts/guest/latency-guest.sh" "$dir/"
}
