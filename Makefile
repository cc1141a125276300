# SPDX-License-Identifier: GPL-2.0-only
#
# evobj: the wrapper for people. Kbuild reads Kbuild and kmod/Kbuild, not
# this file. The two commands a new user needs:
#
#   make demo   build everything, boot a VM with the module, show it working
#   make test   every test on every kernel (6.12, 6.12-rt, 6.1, debug, KUnit)
#
# Both install what is missing first (scripts/setup.sh, apt on Debian).

KDIR ?= /lib/modules/$(shell uname -r)/build
EVOBJ_CACHE ?= $(HOME)/.cache/evobj
CHECKPATCH ?= $(EVOBJ_CACHE)/linux-source-6.12/scripts/checkpatch.pl
BUILD := $(CURDIR)/build
JOBS ?= $(shell nproc)

KSOURCES := $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)) \
	$(wildcard kmod/kunit/*.c kmod/kunit/*.h) \
	include/linux/evobj.h uapi/linux/evobj.h \
	Documentation/examples/driver/evobj_example.c

.PHONY: all setup module modules install uninstall dkms deb selftests \
	userspace payload demo test kunit bench coverage irqsoff rt-latency \
	style check clean help

all: modules selftests userspace

help:
	@sed -n 's/^#   //p' Makefile
	@echo "other targets: setup module modules install uninstall dkms deb selftests userspace payload kunit bench coverage irqsoff rt-latency style check clean"

setup:
	scripts/setup.sh

# For the running kernel or KDIR, in place, as users build modules.
module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

# A real host install (README, "Install on a real host"):
#   sudo make install [KDIR=...] [PREFIX=/usr/local] [EVOBJ_GROUP=evobj] [DESTDIR=...]
# - the module into /lib/modules/KVER/extra, then depmod (kbuild's
#   modules_install does not run it for external modules), so that
#   `modprobe evobj` works; /etc/modules-load.d/evobj.conf loads it at boot;
# - /etc/udev/rules.d/60-evobj.rules: /dev/evobj 0666, or with
#   EVOBJ_GROUP=evobj (or another name) that group and 0660, the group
#   created if missing;
# - for drivers that call evobj (ZFS's layout): /usr/src/evobj-VERSION/
#   {include,uapi}/linux/evobj.h and /usr/src/evobj-VERSION/KVER/Module.symvers;
# - the library, its headers, CMake and pkg-config files and evobjctl
#   under PREFIX (CMake's install).
# The system files go to /etc: they are the administrator's, not dpkg's,
# and udev and modules-load.d do not read /usr/local. `make uninstall`
# removes all of it.
VERSION := $(shell cat $(CURDIR)/VERSION)
# The release that uname -r reports. Not include/config/kernel.release,
# which on Debian's 6.1 headers says 6.1.192 for 6.1.0-56-amd64.
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
PREFIX ?= /usr/local
DESTDIR ?=
EVOBJ_GROUP ?=
EVOBJ_SRCDIR := /usr/src/evobj-$(VERSION)
EVOBJ_RULES := $(if $(EVOBJ_GROUP),60-evobj-group.rules,60-evobj.rules)
INSTALL_BUILD := $(BUILD)/install

install: module
	@test -n "$(KVER)" || { echo "no kernel release in $(KDIR); set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra \
		KERNELRELEASE=$(KVER) \
		$(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))
	install -D -m644 include/linux/evobj.h $(DESTDIR)$(EVOBJ_SRCDIR)/include/linux/evobj.h
	install -D -m644 uapi/linux/evobj.h $(DESTDIR)$(EVOBJ_SRCDIR)/uapi/linux/evobj.h
	install -D -m644 kmod/Module.symvers $(DESTDIR)$(EVOBJ_SRCDIR)/$(KVER)/Module.symvers
	install -D -m644 system/modules-load.d/evobj.conf $(DESTDIR)/etc/modules-load.d/evobj.conf
	mkdir -p $(DESTDIR)/etc/udev/rules.d
	sed 's/GROUP="evobj"/GROUP="$(EVOBJ_GROUP)"/' system/udev/$(EVOBJ_RULES) \
		>$(DESTDIR)/etc/udev/rules.d/60-evobj.rules
ifneq ($(EVOBJ_GROUP),)
	$(if $(DESTDIR),,getent group $(EVOBJ_GROUP) >/dev/null || groupadd --system $(EVOBJ_GROUP))
endif
	$(if $(DESTDIR),,-udevadm control --reload && udevadm trigger --subsystem-match=misc --sysname-match=evobj)
	cmake -S userspace -B $(INSTALL_BUILD) -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) -DBUILD_SHARED_LIBS=ON \
		-DEVOBJ_BUILD_TESTS=OFF -DEVOBJ_BUILD_EXAMPLES=OFF -DEVOBJ_BUILD_BENCH=OFF \
		-DEVOBJ_BUILD_TOOLS=ON -DEVOBJ_INSTALL=ON
	cmake --build $(INSTALL_BUILD) -j $(JOBS)
	for c in library development tools; do \
		DESTDIR=$(DESTDIR) cmake --install $(INSTALL_BUILD) --component $$c || exit 1; done
	# evobj(4), the device's page, is the module's (CMake installs evobj(3), evobjctl(1)).
	$(if $(wildcard Documentation/man/evobj.4),install -D -m644 Documentation/man/evobj.4 \
		$(DESTDIR)$(PREFIX)/share/man/man4/evobj.4)
	$(if $(DESTDIR),,-ldconfig)

uninstall:
	@test -n "$(KVER)" || { echo "no kernel release in $(KDIR); set KDIR" >&2; exit 1; }
	rm -f $(DESTDIR)/lib/modules/$(KVER)/extra/evobj.ko*
	-rmdir $(DESTDIR)/lib/modules/$(KVER)/extra 2>/dev/null
	$(if $(DESTDIR),,depmod -a $(KVER))
	rm -rf $(DESTDIR)$(EVOBJ_SRCDIR)/$(KVER)
	# The headers go with the last kernel's Module.symvers.
	if [ -z "$$(ls $(DESTDIR)$(EVOBJ_SRCDIR) | grep -vx 'include\|uapi')" ]; then \
		rm -rf $(DESTDIR)$(EVOBJ_SRCDIR); fi
	rm -f $(DESTDIR)/etc/modules-load.d/evobj.conf $(DESTDIR)/etc/udev/rules.d/60-evobj.rules
	for m in $(INSTALL_BUILD)/install_manifest_*.txt; do \
		[ -f $$m ] && sed 's|^|$(DESTDIR)|' $$m | xargs rm -f; done; true
	rm -f $(DESTDIR)$(PREFIX)/share/man/man4/evobj.4
	-rmdir $(DESTDIR)$(PREFIX)/include/evobj/uapi/linux $(DESTDIR)$(PREFIX)/include/evobj/uapi \
		$(DESTDIR)$(PREFIX)/include/evobj $(DESTDIR)$(PREFIX)/lib/cmake/evobj 2>/dev/null
	$(if $(DESTDIR),,-ldconfig)

# The DKMS source tree, from git archive (tracked, committed files only),
# in build/dkms/evobj-VERSION/ and as build/dkms/evobj-VERSION.tar.gz:
#   sudo dkms add build/dkms/evobj-VERSION && sudo dkms install evobj/VERSION
DKMS_FILES := VERSION kmod include uapi scripts/dkms-post-build.sh
dkms:
	@git diff --quiet HEAD -- $(DKMS_FILES) dkms.conf || \
		echo "make dkms: uncommitted changes are not in the tree (git archive HEAD)" >&2
	rm -rf $(BUILD)/dkms
	mkdir -p $(BUILD)/dkms
	git archive --prefix=evobj-$(VERSION)/ HEAD $(DKMS_FILES) | tar -x -C $(BUILD)/dkms
	git show HEAD:dkms.conf | sed 's/#MODULE_VERSION#/$(VERSION)/' \
		>$(BUILD)/dkms/evobj-$(VERSION)/dkms.conf
	tar -C $(BUILD)/dkms -czf $(BUILD)/dkms/evobj-$(VERSION).tar.gz evobj-$(VERSION)
	@echo "$(BUILD)/dkms/evobj-$(VERSION)"

# The Debian packages (debian/), built from git archive in build/deb/:
# evobj-dkms, libevobj0, libevobj-dev, evobj-tools. The changelog's
# upstream version must be VERSION. scripts/deb-test.sh installs, checks
# and purges them.
deb:
	scripts/version-check.sh
	@git diff --quiet HEAD || \
		echo "make deb: uncommitted changes are not in the packages (git archive HEAD)" >&2
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb
	git archive --prefix=evobj-$(VERSION)/ HEAD | tar -x -C $(BUILD)/deb
	cd $(BUILD)/deb/evobj-$(VERSION) && \
		DEB_BUILD_OPTIONS="parallel=$(JOBS) $(DEB_BUILD_OPTIONS)" \
		dpkg-buildpackage -b -us -uc
	@ls $(BUILD)/deb/*.deb

# For each Debian test kernel, in build/kmod/<flavour>/.
modules: setup
	for f in 6.12 6.12-rt 6.1; do scripts/build-module.sh $$f >/dev/null || exit 1; done

selftests:
	$(MAKE) -C selftests

# The library, tools, tests and examples for this machine, as a user
# builds them (install with cmake --install build/userspace).
userspace:
	cmake -S userspace -B $(BUILD)/userspace -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD)/userspace -j $(JOBS)

# What the test VMs run: the same built static (the guest has no libc)
# with warnings as errors, laid out for scripts/guest/guest-tests.sh.
payload: selftests
	cmake -S userspace -B $(BUILD)/userspace-static -DCMAKE_BUILD_TYPE=Release \
		-DEVOBJ_STATIC_PAYLOAD=ON -DEVOBJ_WERROR=ON
	cmake --build $(BUILD)/userspace-static -j $(JOBS)
	rm -rf $(BUILD)/payload
	mkdir -p $(BUILD)/payload/selftests $(BUILD)/payload/userspace
	cp -a selftests/build/. $(BUILD)/payload/selftests/
	cp -a $(BUILD)/userspace-static/payload/. $(BUILD)/payload/userspace/
	cp scripts/guest/guest-tests.sh $(BUILD)/payload/

demo:
	scripts/demo.sh

test:
	scripts/test.sh

kunit: setup
	scripts/kunit.sh

bench:
	scripts/bench.sh

# The fuzzer (selftests/evobj_fuzz.c) in a VM, for as long as asked:
#   make fuzz [FUZZ_KERNEL=6.12|6.12-rt|6.1|debug] [FUZZ_CALLS=N]
#             [FUZZ_SECONDS=S] [FUZZ_SEED=S] [FUZZ_THREADS=T] [FUZZ_UNLOAD=1]
# FUZZ_UNLOAD=1 runs it under repeated rmmod instead, then unloads,
# reloads and checks (selftests/unload-under-load.sh; Debian kernels).
FUZZ_KERNEL ?= 6.12
FUZZ_ARGS = $(if $(FUZZ_CALLS),--calls $(FUZZ_CALLS)) \
	$(if $(FUZZ_SECONDS),--seconds $(FUZZ_SECONDS)) \
	$(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) \
	$(if $(FUZZ_THREADS),--threads $(FUZZ_THREADS))
# The VM's time limit: the run plus 15 minutes, or 6 hours for a count.
FUZZ_TIMEOUT ?= $(if $(FUZZ_SECONDS),$(shell echo $$(($(FUZZ_SECONDS) + 900))),21600)
.PHONY: fuzz
fuzz: selftests
	scripts/vm.sh -k $(FUZZ_KERNEL) -p selftests/build -t $(FUZZ_TIMEOUT) -- \
		$(if $(FUZZ_UNLOAD),./unload-under-load.sh $(or $(FUZZ_SECONDS),15),./evobj_fuzz $(strip $(FUZZ_ARGS)))

# Line and branch coverage of kmod/ on the debug kernel, after KUnit, the
# guest suites and the fuzzer: build/coverage/ (index.html, summary.txt).
coverage: setup
	scripts/coverage.sh

# Interrupts-off time under hostile loads, on the debug kernel (a check).
irqsoff:
	scripts/irqsoff.sh

# Timer latency on 6.12-rt under the same loads (a benchmark).
rt-latency:
	scripts/rt-latency.sh

# Every kernel source, every check, nothing ignored: checkpatch exits
# non-zero on any ERROR, WARNING or CHECK, and so does this target.
style: setup
	$(CHECKPATCH) --strict --no-tree --quiet -f $(KSOURCES)

check: setup
	for f in 6.12 6.12-rt 6.1; do scripts/check-build.sh $$f || exit 1; done

clean:
	rm -rf $(BUILD) selftests/build
	cd kmod && rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers
