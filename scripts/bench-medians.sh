# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by the bench scripts: builds the static evobjctl they run
# (bench.sh too), and for the side-by-side ones (bench-ab.sh,
# bench-ntsync.sh) boots the one VM that runs them
# and turns its console into a table. Needs lib.sh, $flavour, $icount,
# $payload and $out.

# The static evobjctl, into $payload; the library's tests, examples and
# separate benchmarks are not built.
bench_evobjctl() {
	local build=$out/userspace

	say "building evobjctl"
	cmake -S "$EVOBJ_ROOT/userspace" -B "$build" -DCMAKE_BUILD_TYPE=Release \
		-DEVOBJ_STATIC_PAYLOAD=ON -DEVOBJ_WERROR=ON -DEVOBJ_BUILD_TESTS=OFF \
		-DEVOBJ_BUILD_EXAMPLES=OFF -DEVOBJ_BUILD_BENCH=OFF >/dev/null
	cmake --build "$build" --target evobjctl -j"$(nproc)" >/dev/null
	cp "$build/tools/evobjctl/evobjctl" "$payload/"
}

# Runs GUEST_SCRIPT (in $payload) in one VM, on the instruction clock if
# $icount is 1; dies if the run fails.
bench_vm() {
	local vm_args=()

	if [ "$icount" = 1 ]; then
		. "$EVOBJ_ROOT/scripts/icount.sh"
		vm_args=("${icount_vm_args[@]}")
	fi
	"$EVOBJ_ROOT/scripts/vm.sh" "${vm_args[@]}" -k "$flavour" -a idle=poll --no-module \
		-p "$payload" -t 3600 -l "$out/vm.log" -- "sh ./$1" >/dev/null ||
		die "the run failed; see $out/vm.log"
}

# The console's `evobjctl bench --csv` runs, each between "TAG-BEGIN LOAD"
# and "TAG-END", as one line per figure: its median over the runs under
# load A and under load B, and B/A, under the column heads given.
#   bench_medians TAG A B TITLE A_HEAD B_HEAD RATIO_HEAD
bench_medians() {
	# benchmark,variant,param,metric,value,... per run. A quoted
	# variant ("a, b") is one field: its commas become semicolons.
	tr -d '\r' <"$out/vm.log" | sed -E ':q; s/^([^"]*"[^",]*),([^"]*")/\1;\2/; tq; s/"//g' |
		awk -F, -v tag="$1" -v A="$2" -v B="$3" -v title="$4" -v ah="$5" -v bh="$6" -v rh="$7" '
index($0, tag "-BEGIN ") == 1 { m = substr($0, length(tag) + 8); next }
index($0, tag "-END") == 1 { m = ""; next }
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
	printf "%-84s %11s %11s %9s\n", title, ah, bh, rh
	for (k in keys) {
		if (!cnt[A, k] || !cnt[B, k]) continue
		a = med(A, k); b = med(B, k)
		printf "%-84s %11.1f %11.1f %9.3f\n", k, a, b, a ? b / a : 0
	}
}' | sort
	say "console: $out/vm.log"
}
