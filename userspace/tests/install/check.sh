#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
#
# evobj as a downstream project meets it, with the shared and then the
# static library: installed by component into a scratch prefix and used
# through find_package(evobj) and pkg-config, then built from source
# through add_subdirectory() and FetchContent (from this checkout: no
# network). Checks what each component installs, the SONAME, that only
# the API is exported, that evobjctl is an ordinary dynamic program, and
# that a subproject builds none of the tests, examples or tools.
#   check.sh USERSPACE_SOURCE_DIR [CXX]    (run by ctest as the test "install")
set -eu
src=$(cd "${1:?usage: check.sh USERSPACE_SOURCE_DIR [CXX]}" && pwd)
repo=$(cd "$src/.." && pwd)
CXX=${2:-${CXX:-c++}}
export CXX
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/evobj-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
version=$(head -n 1 "$repo/VERSION")
minor=${version%.*}			# 0.1.0 -> 0.1
jobs=${EVOBJ_JOBS:-2}

fail() { echo "install: $*" >&2; exit 1; }
must_have() {	# PREFIX FILE...
	p=$1; shift
	for f in "$@"; do [ -e "$p/$f" ] || [ -L "$p/$f" ] || fail "$f missing from $p"; done
}
must_not_have() {	# PREFIX FILE...
	p=$1; shift
	for f in "$@"; do [ ! -e "$p/$f" ] && [ ! -L "$p/$f" ] || fail "$f should not be in $p"; done
}
quiet() {	# COMMAND...: its output only if it fails
	"$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; fail "failed: $*"; }
}

# Options every build here shares: -Werror, nothing but what is checked.
common="-DCMAKE_BUILD_TYPE=Release -DEVOBJ_WERROR=ON -DEVOBJ_BUILD_TESTS=OFF
	-DEVOBJ_BUILD_EXAMPLES=OFF -DEVOBJ_BUILD_BENCH=OFF"

for kind in shared static; do
	if [ $kind = shared ]; then shared=ON tools=ON; else shared=OFF tools=OFF; fi
	build=$work/$kind/build prefix=$work/$kind/prefix
	echo "== $kind: build and install by component"
	# shellcheck disable=SC2086 # $common is meant to split
	quiet cmake -S "$src" -B "$build" $common -DBUILD_SHARED_LIBS=$shared -DEVOBJ_BUILD_TOOLS=$tools
	quiet cmake --build "$build" -j"$jobs"
	for c in library development tools; do
		quiet cmake --install "$build" --prefix "$work/$kind/$c" --component $c
		quiet cmake --install "$build" --prefix "$prefix" --component $c
	done
	headers="include/evobj/evobj.hpp include/evobj/export.hpp include/evobj/version.hpp
		 include/evobj/uapi/linux/evobj.h"
	cmakefiles="lib/cmake/evobj/evobjConfig.cmake lib/cmake/evobj/evobjConfigVersion.cmake
		    lib/pkgconfig/evobj.pc"
	man1= man3=
	[ ! -e "$repo/Documentation/man/evobjctl.1" ] || man1=share/man/man1/evobjctl.1
	[ ! -e "$repo/Documentation/man/evobj.3" ] || man3=share/man/man3/evobj.3
	# shellcheck disable=SC2086
	if [ $kind = shared ]; then
		must_have "$work/shared/library" "lib/libevobj.so.$minor" "lib/libevobj.so.$version"
		must_not_have "$work/shared/library" lib/libevobj.so include bin
		must_have "$work/shared/development" lib/libevobj.so $headers $cmakefiles $man3
		must_not_have "$work/shared/development" "lib/libevobj.so.$version" bin
		must_have "$work/shared/tools" bin/evobjctl $man1
		must_not_have "$work/shared/tools" lib include

		so=$prefix/lib/libevobj.so.$version
		soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
		[ "$soname" = "libevobj.so.$minor" ] || fail "SONAME is '$soname', not libevobj.so.$minor"
		# The API is exported, and nothing of the library's insides.
		nm -D --defined-only -C "$so" >"$work/symbols"
		for sym in 'evobj::event::set() const' 'evobj::device::open(' 'evobj::wait_any('; do
			grep -qF "$sym" "$work/symbols" || fail "$sym not exported"
		done
		if grep -E 'evobj::detail|anonymous namespace|do_wait' "$work/symbols"; then
			fail "internal symbols exported"
		fi
		# evobjctl: dynamic, linked to the installed library.
		readelf -d "$prefix/bin/evobjctl" | grep -q "NEEDED.*libevobj.so.$minor" ||
			fail "evobjctl is not linked to libevobj.so.$minor"
		LD_LIBRARY_PATH=$prefix/lib "$prefix/bin/evobjctl" --version | grep -qx "evobjctl $version" ||
			fail "evobjctl --version"
	else
		must_have "$work/static/development" lib/libevobj.a $headers $cmakefiles $man3
		must_not_have "$work/static/library" lib
		nm -C "$prefix/lib/libevobj.a" >"$work/symbols"
	fi

	echo "== $kind: find_package(evobj)"
	quiet cmake -S "$here" -B "$work/$kind/package" -DCMAKE_PREFIX_PATH="$prefix"
	quiet cmake --build "$work/$kind/package"
	"$work/$kind/package/consumer"

	# libevobj-win32.so and libevobj-pevents.so need libevobj.so.0.x,
	# which the loader finds through their own RUNPATH (none, once
	# installed), not the program's: a scratch prefix is not in ld.so's
	# paths, as /usr/local/lib and a package's /usr/lib are.
	LD_LIBRARY_PATH=$prefix/lib "$work/$kind/package/win32_consumer"
	LD_LIBRARY_PATH=$prefix/lib "$work/$kind/package/pevents_consumer"

	echo "== $kind: find_package(evobj 99.0) must fail"
	if cmake -S "$here" -B "$work/$kind/package-99" -DCMAKE_PREFIX_PATH="$prefix" \
		 -DEVOBJ_WANT_VERSION=99.0 >/dev/null 2>&1; then
		fail "a version 99.0 request was accepted"
	fi

	echo "== $kind: pkg-config evobj"
	PKG_CONFIG_PATH=$prefix/lib/pkgconfig
	export PKG_CONFIG_PATH
	case $(pkg-config --cflags evobj) in
	*-std=*) fail "evobj.pc imposes a language level: $(pkg-config --cflags evobj)" ;;
	esac
	# shellcheck disable=SC2046 # the flags are meant to split
	quiet "$CXX" -std=c++20 -Wall -Wextra -Werror -o "$work/$kind/consumer-pc" \
		"$here/consumer.cpp" $(pkg-config --cflags --libs evobj) -Wl,-rpath,"$prefix/lib"
	"$work/$kind/consumer-pc"
	# Below C++20 the headers say what they need, in one line.
	# shellcheck disable=SC2046
	if "$CXX" -std=c++17 -fsyntax-only "$here/consumer.cpp" $(pkg-config --cflags evobj) \
		>"$work/log" 2>&1 || ! grep -q 'evobj needs C++20' "$work/log"; then
		cat "$work/log" >&2
		fail "C++17 was not refused with a clear message"
	fi

	echo "== $kind: pkg-config evobj-win32-compat, evobj-pevents"
	must_have "$prefix" include/evobj/win32.h include/evobj/win32-compat/windows.h \
		include/evobj/pevents/pevents.h lib/pkgconfig/evobj-win32.pc \
		lib/pkgconfig/evobj-win32-compat.pc lib/pkgconfig/evobj-pevents.pc
	if [ $kind = shared ]; then
		must_have "$work/shared/library" "lib/libevobj-win32.so.$minor" "lib/libevobj-pevents.so.$minor"
		nm -D --defined-only "$prefix/lib/libevobj-win32.so" >"$work/symbols"
		grep -qw WaitForMultipleObjectsEx "$work/symbols" || fail "libevobj-win32: API not exported"
		if grep -q "_ZN5evobj5win32" "$work/symbols"; then fail "libevobj-win32: internals exported"; fi
		static=
	else
		static=--static
	fi
	# A C program: the C++ runtime comes from Libs.private in a static link.
	# shellcheck disable=SC2046
	quiet "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$work/$kind/win32-pc" \
		"$here/win32_consumer.c" $(pkg-config $static --cflags --libs evobj-win32-compat) \
		-Wl,-rpath,"$prefix/lib"
	LD_LIBRARY_PATH=$prefix/lib "$work/$kind/win32-pc"
	# shellcheck disable=SC2046
	quiet "$CXX" -Wall -Wextra -Werror -o "$work/$kind/pevents-pc" "$here/pevents_consumer.cpp" \
		$(pkg-config $static --cflags --libs evobj-pevents) -Wl,-rpath,"$prefix/lib"
	LD_LIBRARY_PATH=$prefix/lib "$work/$kind/pevents-pc"

	for how in subdirectory fetchcontent; do
		echo "== $kind: $how"
		dir=$work/$kind/$how
		quiet cmake -S "$here" -B "$dir" -DEVOBJ_CONSUME=$how -DEVOBJ_SOURCE="$repo" \
			-DBUILD_SHARED_LIBS=$shared
		quiet cmake --build "$dir" -j"$jobs"
		"$dir/consumer"
		# As a subproject: the library only, no tests, examples or tools.
		for t in evobj_tests epoll_loop evobjctl evobj-adversary payload; do
			if cmake --build "$dir" --target help | grep -q "\.\.\. $t\$"; then
				fail "$how: the subproject defines $t"
			fi
		done
		if [ $kind = shared ]; then
			readelf -d "$dir/consumer" | grep -q "NEEDED.*libevobj.so.$minor" ||
				fail "$how: not linked to libevobj.so.$minor"
		elif readelf -d "$dir/consumer" | grep -q "NEEDED.*libevobj"; then
			fail "$how: static build linked to a libevobj.so"
		fi
	done
done
echo "install: ok"
