#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs what the build and the tests need on a Debian 12 machine:
# compilers and kbuild tools, the headers of the three test kernels, their
# images (unpacked into the cache rather than installed, which would run
# the slow initramfs hooks), qemu, busybox and the kernel source for the
# KUnit/debug kernel. Idempotent: a second run only checks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential flex bison bc libelf-dev libssl-dev dwarves cpio kmod
      xz-utils rsync python3 sparse qemu-system-x86 busybox-static gcc-multilib
      cmake g++ libgtest-dev libasio-dev liburing-dev gnuplot-nox gcovr mandoc
      linux-source-6.12 "${EVOBJ_META[@]}"
      # the Debian packages (make deb, scripts/deb-test.sh)
      debhelper dh-dkms dkms lintian dpkg-dev fakeroot pkgconf man-db
      # systemd-udevd, run in a VM on the rules (scripts/udev-check.sh)
      udev)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing: ${missing[*]}"
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${missing[@]}"
fi

mkdir -p "$EVOBJ_CACHE/kernels"
for fl in "${EVOBJ_FLAVOURS[@]}"; do
	rel=$(kernel_release "$fl")
	[ -r "/boot/vmlinuz-$rel" ] && continue
	dir=$EVOBJ_CACHE/kernels/$rel
	[ -r "$dir/boot/vmlinuz-$rel" ] && continue
	say "unpacking the $rel kernel image into $dir"
	tmp=$(mktemp -d)
	chmod 1777 "$tmp"	# apt drops root for downloads
	(cd "$tmp" && apt-get download -q "linux-image-$rel" >/dev/null)
	mkdir -p "$dir"
	dpkg-deb -x "$tmp"/linux-image-*.deb "$dir"
	rm -rf "$tmp"
done

if [ ! -d "$EVOBJ_SRC" ]; then
	say "unpacking linux-source-6.12 into $EVOBJ_CACHE"
	tar -C "$EVOBJ_CACHE" -xf /usr/src/linux-source-6.12.tar.xz
fi
say "setup done"
