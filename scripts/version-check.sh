#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# evobj has one version number, VERSION. Everything else reads it (CMake,
# kmod/Kbuild's MODULE_VERSION, `make dkms` and dh_dkms -V for dkms.conf)
# except debian/changelog, which must name it: this checks that, and that
# no other file hard-codes a version. Run by `make deb`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$EVOBJ_ROOT"

version=$(cat VERSION)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "VERSION '$version' is not MAJOR.MINOR.PATCH"
deb=$(dpkg-parsechangelog -l debian/changelog -S Version)
[ "${deb%-*}" = "$version" ] ||
	die "debian/changelog is at ${deb%-*} (from $deb), VERSION at $version: add a changelog entry (dch -v $version-1)"
grep -q '^PACKAGE_VERSION="#MODULE_VERSION#"$' dkms.conf ||
	die "dkms.conf must say PACKAGE_VERSION=\"#MODULE_VERSION#\" (make dkms and dh_dkms -V fill it in from VERSION)"
grep -q 'VERSION' kmod/Kbuild && grep -q 'MODULE_VERSION(EVOBJ_VERSION)' kmod/device.c ||
	die "the module no longer takes MODULE_VERSION from VERSION"
grep -q 'project(evobj VERSION ${EVOBJ_VERSION}' userspace/CMakeLists.txt ||
	die "userspace/CMakeLists.txt no longer takes its version from VERSION"
echo "version $version: VERSION, debian/changelog, dkms.conf, Kbuild and CMake agree"
