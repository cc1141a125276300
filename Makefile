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

KSOURCES := $(filter-out kmod/compat.h kmod/trace.h,$(wildcard kmod/*.c kmod/*.h)) \
	include/linux/evobj.h uapi/linux/evobj.h

.PHONY: all setup module modules install selftests userspace payload \
	demo test kunit bench coverage irqsoff rt-latency style check clean help

all: modules selftests userspace

help:
	@sed -n 's/^#   //p' Makefile
	@echo "other targets: setup module modules install selftests userspace payload kunit bench coverage irqsoff rt-latency style check clean"

setup:
	scripts/setup.sh

# For the running kernel or KDIR, in place, as users build modules.
module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules_install

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
# with warnings as errors, laid out for scripts/guest-tests.sh.
payload: selftests
	cmake -S userspace -B $(BUILD)/userspace-static -DCMAKE_BUILD_TYPE=Release \
		-DEVOBJ_STATIC_PAYLOAD=ON -DEVOBJ_WERROR=ON
	cmake --build $(BUILD)/userspace-static -j $(JOBS)
	rm -rf $(BUILD)/payload
	mkdir -p $(BUILD)/payload/selftests $(BUILD)/payload/userspace
	cp -a selftests/build/. $(BUILD)/payload/selftests/
	cp -a $(BUILD)/userspace-static/payload/. $(BUILD)/payload/userspace/
	cp scripts/guest-tests.sh $(BUILD)/payload/

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

# kmod/compat.h exists to test LINUX_VERSION_CODE, as an out-of-tree
# module that builds on several kernels must; kmod/trace.h lays out
# TRACE_EVENT() as every trace header in the kernel does.
style: setup
	$(CHECKPATCH) --strict --no-tree --quiet -f $(KSOURCES)
	$(CHECKPATCH) --strict --no-tree --quiet \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f kmod/compat.h
	$(CHECKPATCH) --strict --no-tree --quiet \
		--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT -f kmod/trace.h

check: setup
	for f in 6.12 6.12-rt 6.1; do scripts/check-build.sh $$f || exit 1; done

clean:
	rm -rf $(BUILD) selftests/build
	cd kmod && rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers
