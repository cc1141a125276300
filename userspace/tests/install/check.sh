#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
#
# Installs a built evobj into a scratch prefix and builds a consumer from
# it twice, through find_package(evobj) and through pkg-config.
#   check.sh BUILD_DIR    (run by ctest as the test "install")
set -eu
build=$(cd "${1:?usage: check.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/evobj-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

# Only the library: the tools and benchmarks are not this check's business.
cmake --install "$build" --prefix "$prefix" --component evobj >/dev/null

for f in include/evobj/evobj.hpp include/evobj/version.hpp \
	 include/evobj/uapi/linux/evobj.h lib/libevobj.a \
	 lib/cmake/evobj/evobjConfig.cmake lib/cmake/evobj/evobjConfigVersion.cmake \
	 lib/pkgconfig/evobj.pc; do
	[ -e "$prefix/$f" ] || { echo "install: $f missing" >&2; exit 1; }
done

echo "== find_package(evobj)"
cmake -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer"

echo "== find_package(evobj 99.0) must fail"
if cmake -S "$here" -B "$work/cmake-99" -DCMAKE_PREFIX_PATH="$prefix" \
	 -DEVOBJ_WANT_VERSION=99.0 >/dev/null 2>&1; then
	echo "install: a version 99.0 request was accepted" >&2
	exit 1
fi

echo "== pkg-config evobj"
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
# shellcheck disable=SC2046 # the flags are meant to split
${CXX:-c++} -Wall -Wextra -Werror -o "$work/consumer-pc" "$here/consumer.cpp" \
	$(pkg-config --cflags --libs evobj)
"$work/consumer-pc"
echo "install: ok"
