#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian packages on this host, as a user gets them: build them
# (make deb), lint them, install them with apt, have dkms build the module
# for every installed kernel header set of 6.1 or later, use what they
# installed (modprobe's resolution, a consumer through CMake and through
# pkg-config, an out-of-tree driver against the header and Module.symvers),
# then purge them and check that the host is as it was. Root only: it
# installs packages.
#
# Before that, the same host gets `make install` and `make uninstall`
# (for the first such kernel), and `make dkms`'s tree is built by dkms in
# a private dkms tree.
#
# Each step prints its result line, "RESULT deb: NAME: 1 passed, 0 failed,
# 0 skipped" or one failed or skipped (scripts/lib.sh's result_line;
# scripts/test.sh records each), and the script ends with the last.
#
#   scripts/deb-test.sh [--no-build]   (--no-build: use build/deb/*.deb as they are)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=1
case ${1:-} in
--no-build) build=0 ;;
"") ;;
*) die "usage: $0 [--no-build]" ;;
esac
[ "$(id -u)" = 0 ] || die "run as root (it installs and purges packages)"

version=$(cat "$EVOBJ_ROOT/VERSION")
debs=$EVOBJ_BUILD/deb
work=$(mktemp -d /tmp/evobj-deb-test.XXXXXX)
# The library packages are named after their SONAMEs, libevobj*.so.0.MINOR.
pkgs=(evobj-dkms "libevobj${version%.*}" "libevobj-win32-${version%.*}"
      "libevobj-pevents${version%.*}" libevobj-dev evobj-tools)
passed=0 failed=0 skipped=0
# shellcheck disable=SC2317 # called through trap
cleanup() {
	# Never leave the packages installed, whatever failed.
	if dpkg-query -W -f='${Status}\n' "${pkgs[@]}" 2>/dev/null | grep -q 'installed'; then
		purge >/dev/null 2>&1
	fi
	rm -rf "$work"
}
trap cleanup EXIT

step() {	# NAME COMMAND... : one counted result
	local name=$1 out=$work/step.log t=$SECONDS
	shift
	say "$name"
	if "$@" >"$out" 2>&1; then
		result_line "deb: $name" 1 0 0
		passed=$((passed + 1))
	else
		cat "$out" >&2
		result_line "deb: $name" 0 1 0
		failed=$((failed + 1))
	fi
	say "($((SECONDS - t))s)"
}
skip() { result_line "deb: $1 ($2)" 0 0 1; skipped=$((skipped + 1)); }

# What the packages may touch. A sorted list of names, before and after;
# the kernel's modules.* indexes are compared by name only (depmod
# rewrites them), and dpkg's, apt's and man-db's own state is left out,
# as is the key dkms makes once to sign modules (mok.key, mok.pub: the
# machine's, kept for every later dkms package by design).
# With "files", directories are left out: `make uninstall` leaves the
# generic ones it may have made (/usr/local/lib/pkgconfig...), as any
# uninstall rule that cannot tell whether it made them must.
snapshot() {
	local only=()
	[ "${1:-}" = files ] && only=(-not -type d)
	find /usr /etc /lib/modules /var/lib/dkms /opt -xdev "${only[@]}" 2>/dev/null |
		grep -v -e '^/etc/ld.so.cache$' -e '^/var/lib/dkms/mok\.\(key\|pub\)$' \
			-e '^/usr/lib/python3/dist-packages/.*/__pycache__' |
		LC_ALL=C sort
}

# The kernels dkms builds for: each installed header set that dkms.conf's
# BUILD_EXCLUSIVE_KERNEL admits (6.1 and later).
kernels=()
exclusive=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$EVOBJ_ROOT/dkms.conf")
for b in /lib/modules/*/build; do
	[ -r "$b/include/generated/utsrelease.h" ] || continue
	k=${b%/build}
	k=${k##*/}
	[[ $k =~ $exclusive ]] && kernels+=("$k")
done

build_debs() {
	make -s -C "$EVOBJ_ROOT" deb JOBS="${JOBS:-2}" &&
		for p in "${pkgs[@]}"; do
			ls "$debs/${p}_$version"-*.deb >/dev/null || return 1
		done
}

# Clean at the default level and at info level, or overridden with a
# reason (debian/*.lintian-overrides).
run_lintian() {
	lintian --allow-root -I --fail-on error,warning,info "$debs"/evobj_"$version"-*_amd64.changes
}

install_debs() {
	local files=()
	for p in "${pkgs[@]}"; do
		files+=("$(ls "$debs/${p}_$version"-*.deb)")
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${files[@]}"
}

purge() {
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${pkgs[@]}"
}

# dkms builds and installs for KVER; the module must then be where
# modprobe finds it, carry VERSION, and its Module.symvers must be kept.
dkms_kernel() {	# KVER
	local k=$1 ko
	dkms install -m evobj -v "$version" -k "$k" || {
		cat /var/lib/dkms/evobj/"$version"/build/make.log 2>/dev/null
		return 1
	}
	ko=$(ls /lib/modules/"$k"/updates/dkms/evobj.ko* 2>/dev/null) || {
		echo "no evobj.ko* in /lib/modules/$k/updates/dkms"; return 1
	}
	echo "$ko"
	[ "$(modinfo -F version "$ko")" = "$version" ] || {
		echo "modinfo version $(modinfo -F version "$ko"), VERSION $version"; return 1
	}
	# depmod ran: modprobe resolves the name (without loading anything).
	modprobe -n -v -S "$k" evobj | grep -q "updates/dkms/evobj.ko" || {
		echo "modprobe -S $k evobj does not find the module"; return 1
	}
	grep -qw evobj_set /var/lib/dkms/evobj/"$version"/"$k"/*/Module.symvers || {
		echo "no Module.symvers with evobj_set in /var/lib/dkms/evobj/$version/$k"; return 1
	}
}

# dkms refuses a kernel older than 6.1 (BUILD_EXCLUSIVE_KERNEL), with the
# status that means "skipped" (77), before it looks for headers.
dkms_exclusive() {
	local rc
	dkms build -m evobj -v "$version" -k 5.10.0-99-amd64
	rc=$?
	[ "$rc" = 77 ] || { echo "dkms build for 5.10 returned $rc, not 77 (excluded)"; return 1; }
}

# The files the packages promise, at their places.
files_in_place() {
	local f ok=0
	for f in /lib/udev/rules.d/60-evobj.rules /usr/share/evobj-dkms/60-evobj-group.rules \
		/usr/lib/modules-load.d/evobj.conf /usr/src/evobj-"$version"/dkms.conf \
		/usr/src/evobj-"$version"/include/linux/evobj.h \
		/usr/src/evobj-"$version"/uapi/linux/evobj.h \
		/usr/include/evobj/evobj.hpp /usr/include/evobj/uapi/linux/evobj.h \
		/usr/include/evobj/win32.h /usr/include/evobj/pevents/pevents.h \
		/usr/bin/evobjctl; do
		[ -e "$f" ] || { echo "missing: $f"; ok=1; }
	done
	grep -q "^PACKAGE_VERSION=\"$version\"$" /usr/src/evobj-"$version"/dkms.conf ||
		{ echo "dkms.conf has no PACKAGE_VERSION=\"$version\""; ok=1; }
	evobjctl --help >/dev/null || { echo "evobjctl --help failed"; ok=1; }
	return $ok
}

man_pages() {
	local m ok=0
	for m in evobjctl.1 evobj.4 evobj.3; do
		man -w "${m%.*}" "${m#*.}" >/dev/null 2>&1 ||
			ls /usr/share/man/man"${m#*.}"/"$m".gz >/dev/null 2>&1 ||
			{ echo "no man page $m"; ok=1; }
	done
	return $ok
}

# userspace/tests/install's consumers: the C++ library, the Win32 layer
# from C through its <windows.h>, and a pevents program.
consumer_cmake() {
	cmake -S "$EVOBJ_ROOT/userspace/tests/install" -B "$work/cmake" \
		-DEVOBJ_WANT_VERSION="${version%.*}" &&
		cmake --build "$work/cmake" && "$work/cmake/consumer" &&
		"$work/cmake/win32_consumer" && "$work/cmake/pevents_consumer"
}

consumer_pkgconfig() {
	local t=$EVOBJ_ROOT/userspace/tests/install
	# shellcheck disable=SC2046 # the flags are meant to split
	c++ -std=c++20 -Wall -Wextra -Werror -o "$work/consumer-pc" "$t/consumer.cpp" \
		$(pkg-config --cflags --libs evobj) && "$work/consumer-pc" &&
		cc -std=c11 -Wall -Wextra -Werror -o "$work/win32-pc" "$t/win32_consumer.c" \
			$(pkg-config --cflags --libs evobj-win32-compat) && "$work/win32-pc" &&
		c++ -Wall -Wextra -Werror -o "$work/pevents-pc" "$t/pevents_consumer.cpp" \
			$(pkg-config --cflags --libs evobj-pevents) && "$work/pevents-pc"
}

# The example driver of Documentation/driver-api, built for KVER against
# /usr/src/evobj-VERSION's header and dkms's Module.symvers: modpost must
# resolve evobj_get/evobj_set/evobj_put (an undefined symbol is an error).
example_driver() {	# KVER
	local k=$1 d=$work/driver-$1
	cp -r "$EVOBJ_ROOT/Documentation/examples/driver" "$d" &&
		make -C "$d" KVER="$k" EVOBJ_VERSION="$version" &&
		modinfo -F depends "$d/evobj_example.ko" | grep -qw evobj
}

# `sudo make install` for KVER: the module where modprobe finds it (so
# depmod ran), the driver header and Module.symvers, the library, tools
# and system files.
make_install() {	# KVER
	local k=$1 f ok=0
	make -C "$EVOBJ_ROOT" install KDIR="/lib/modules/$k/build" JOBS="${JOBS:-2}" || return 1
	for f in /etc/modules-load.d/evobj.conf /etc/udev/rules.d/60-evobj.rules \
		/usr/src/evobj-"$version"/include/linux/evobj.h \
		/usr/src/evobj-"$version"/uapi/linux/evobj.h \
		/usr/src/evobj-"$version"/"$k"/Module.symvers \
		/usr/local/include/evobj/evobj.hpp /usr/local/lib/pkgconfig/evobj.pc \
		/usr/local/lib/libevobj.so /usr/local/bin/evobjctl; do
		[ -e "$f" ] || { echo "missing: $f"; ok=1; }
	done
	modprobe -n -v -S "$k" evobj | grep -q "extra/evobj.ko" ||
		{ echo "modprobe -S $k evobj does not find the module"; ok=1; }
	# The example driver builds against what `make install` put there.
	cp -r "$EVOBJ_ROOT/Documentation/examples/driver" "$work/driver-install"
	if ! make -C "$work/driver-install" KVER="$k" EVOBJ_VERSION="$version"; then
		echo "the example driver does not build against the installed evobj"; ok=1
	fi
	return $ok
}

make_uninstall() {	# KVER
	make -C "$EVOBJ_ROOT" uninstall KDIR="/lib/modules/$1/build" &&
		drop_new_indexes && nothing_remains files &&
		# `make install` built in kmod/, as `make module` does: leave
		# the tree as it was found.
		make -C "/lib/modules/$1/build" M="$EVOBJ_ROOT/kmod" clean
}

# `make dkms`'s tree, added to and built by dkms in private trees (the
# host's dkms state is not touched).
make_dkms() {	# KVER
	local k=$1 d=$work/dkms
	mkdir -p "$d/tree" "$d/src" &&
		make -C "$EVOBJ_ROOT" dkms &&
		dkms add --dkmstree "$d/tree" --sourcetree "$d/src" "$EVOBJ_BUILD/dkms/evobj-$version" &&
		dkms build --dkmstree "$d/tree" --sourcetree "$d/src" -m evobj -v "$version" -k "$k" &&
		ls "$d/tree/evobj/$version/$k"/*/module/evobj.ko* &&
		grep -qw evobj_set "$d/tree/evobj/$version/$k"/*/Module.symvers
}

# The module indexes that depmod created for a kernel that had none (a
# header set without its image, as 6.1 here): depmod's output, not an
# installed file.
drop_new_indexes() {
	local f
	for f in /lib/modules/*/modules.*; do
		[ -e "$f" ] && ! grep -qxF "$f" "$work/before" && rm -f "$f"
	done
	return 0
}

# The module dkms built for Debian's 6.12, booted: qemu loads it
# (scripts/vm.sh's EVOBJ_MODULE) and runs `evobjctl demo`, the guest
# payload's static build (make payload, which make test runs first).
vm_demo() {	# KVER EVOBJCTL
	local k=$1 ko=$work/evobj-dkms-$1.ko
	mkdir -p "$work/vm" && cp "$2" "$work/vm/evobjctl" || return 1
	case $(ls /lib/modules/"$k"/updates/dkms/evobj.ko*) in
	*.xz) xz -dc /lib/modules/"$k"/updates/dkms/evobj.ko.xz >"$ko" ;;
	*) cp /lib/modules/"$k"/updates/dkms/evobj.ko "$ko" ;;
	esac || return 1
	EVOBJ_MODULE=$ko "$EVOBJ_ROOT/scripts/vm.sh" -k 6.12 -p "$work/vm" -t 600 \
		-l "$EVOBJ_BUILD/vm/deb-dkms-6.12.log" -- ./evobjctl demo
}

nothing_remains() {	# [files]
	snapshot "${1:-}" >"$work/after"
	diff "$work/before" "$work/after" || {
		echo "the host differs after the purge (< before, > after)"
		return 1
	}
}

t0=$(date +%s)
if [ $build = 1 ]; then
	step "build the packages (make deb)" build_debs
fi
step "lintian" run_lintian
if [ ${#kernels[@]} -gt 0 ]; then
	step "make dkms: dkms builds its tree (${kernels[0]})" make_dkms "${kernels[0]}"
	# make install for a kernel that is installed (has module indexes),
	# as on a real host.
	ik=${kernels[0]}
	for k in "${kernels[@]}"; do
		[ -e "/lib/modules/$k/modules.dep" ] && { ik=$k; break; }
	done
	snapshot files >"$work/before"
	step "sudo make install ($ik): modprobe finds evobj" make_install "$ik"
	step "make uninstall leaves the host as it was" make_uninstall "$ik"
fi
# The state to return to. depmod (run by dkms) creates the module
# indexes of a kernel that had none (here 6.1, headers only): they are
# not the packages' files, so they are removed again at the end if they
# were not there before.
snapshot >"$work/before"
step "install with apt" install_debs
step "installed files, evobjctl runs" files_in_place
step "man pages evobjctl(1), evobj(4), evobj(3)" man_pages
if [ ${#kernels[@]} = 0 ]; then
	result_line "deb: dkms build (no kernel headers of 6.1 or later installed)" 0 1 0
	failed=$((failed + 1))
fi
for k in "${kernels[@]}"; do
	step "dkms builds and installs evobj for $k" dkms_kernel "$k"
done
step "dkms refuses a 5.10 kernel (BUILD_EXCLUSIVE_KERNEL)" dkms_exclusive
for k in "${kernels[@]}"; do
	step "example driver against header and Module.symvers ($k)" example_driver "$k"
done
k612=$(kernel_release 6.12 2>/dev/null) || k612=
evobjctl_static=
for f in "$EVOBJ_BUILD/payload/userspace/evobjctl" \
	"$EVOBJ_BUILD/userspace-static/tools/evobjctl/evobjctl"; do
	[ -x "$f" ] && { evobjctl_static=$f; break; }
done
if [ -z "$k612" ] || [ ! -d "/lib/modules/$k612/updates/dkms" ]; then
	skip "dkms's module in a 6.12 VM" "no dkms build for Debian's 6.12"
elif [ -z "$evobjctl_static" ]; then
	skip "dkms's module in a 6.12 VM" "no static evobjctl: make payload"
else
	step "dkms's module for $k612 loads in a VM and runs evobjctl demo" \
		vm_demo "$k612" "$evobjctl_static"
fi
step "consumers (C++, Win32 from C, pevents) through find_package(evobj)" consumer_cmake
step "consumers (C++, Win32 from C, pevents) through pkg-config" consumer_pkgconfig
step "purge with apt" purge
drop_new_indexes
step "nothing of the packages remains" nothing_remains
say "deb-test: $passed passed, $failed failed, $skipped skipped in $(( $(date +%s) - t0 ))s"
[ "$failed" = 0 ]
