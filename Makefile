# SPDX-License-Identifier: GPL-2.0
#
# Strata top-level Makefile: a thin wrapper around Kbuild (strata.ko),
# userspace/ (libstrata, stratactl) and the test suites.
#
#   make                 build strata.ko (W=1) and the userspace programs
#   make check           install deps, build, unit tests, VM selftests, DKMS test
#   make demo            install deps, build, boot the VM and run the demo
#   make deps            install the Debian packages everything needs
#   make unit            cmocka unit tests (ASan/UBSan)
#   make vm-check        VM selftests only (one boot per suite)
#   make vm-shell        a shell in the test VM with strata.ko loaded
#   make dkms-check      DKMS add/build/install on the host, modprobe in the VM
#   make dkms-install    install the module with DKMS for KVER
#   make install         install stratactl, stratad, man pages, the systemd
#                        unit, the example configuration, bash completion
#                        (DESTDIR=, PREFIX=/usr/local; make uninstall)
#   make bench-core      classifier benchmark (build/bench-core.json)
#   make bench-selector  label index benchmark (build/bench-selector.json)
#   make bench-compile   compile at 100,000 pods (build/bench-compile.json)
#   make bench-daemon    stratad at 100,000 endpoints (build/bench-daemon.json)
#   make fuzz-image      libFuzzer on the state image loader (FUZZ_SECONDS=60)
#   make fuzz-selector   libFuzzer on the selector language (FUZZ_SECONDS=60)
#   make fuzz-res        libFuzzer on the manifest loader (FUZZ_SECONDS=60)
#   make scale-etcd      etcd datastore: list 100,000 WorkloadEndpoints (N=)
#   make scale-k8s       Kubernetes datastore: list 100,000 pods (N=)
#   make style           checkpatch --strict (kmod/, include/) + clang-format
#   make clean
#
# KDIR=/path/to/kernel/build overrides the kernel to build against (default:
# the newest installed linux-headers); KVER is derived from it.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

KVER ?= $(shell for v in $$(ls -1 /lib/modules 2>/dev/null | sort -V); do \
	  [ -e /lib/modules/$$v/build/Makefile ] && echo $$v; done | tail -n1)
KDIR ?= /lib/modules/$(KVER)/build
ifneq ($(origin KDIR),file)
KVER := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
endif

VM_RUN := $(TOP)/selftests/vm/run.sh -k $(KVER)
# Each suite boots the guest once.
VM_SUITES := kmod engine enforce daemon

all: module userspace

module:
	@test -n "$(KVER)" -a -e "$(KDIR)/Makefile" || \
		{ echo "no kernel headers found: run 'make deps' or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 modules

userspace:
	$(MAKE) -C $(TOP)/userspace O=$(BUILD)
	$(MAKE) -C $(TOP)/selftests/helpers O=$(BUILD)

deps:
	@$(TOP)/scripts/install-deps.sh

unit:
	$(MAKE) -C $(TOP)/selftests/unit O=$(BUILD) run

vm-check: all
	@rc=0; for s in $(VM_SUITES); do \
		echo "=== VM suite: $$s"; \
		$(VM_RUN) --name $$s $$(ls $(TOP)/selftests/$$s/*.sh | sed 's|^$(TOP)/||') || rc=1; \
	done; exit $$rc

dkms-check: all
	$(TOP)/selftests/dkms/dkms-test.sh $(KVER)

check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) vm-check
	$(MAKE) dkms-check

demo: deps
	$(MAKE) all
	$(VM_RUN) --name demo selftests/demo/demo.sh

DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)

dkms-install:
	$(TOP)/scripts/dkms-stage.sh /usr/src/strata-$(DKMS_VERSION) $(DKMS_VERSION)
	dkms add -m strata -v $(DKMS_VERSION) || true
	dkms build -m strata -v $(DKMS_VERSION) -k $(KVER)
	dkms install -m strata -v $(DKMS_VERSION) -k $(KVER)

dkms-uninstall:
	dkms remove -m strata -v $(DKMS_VERSION) --all || true
	rm -rf /usr/src/strata-$(DKMS_VERSION)

# Userspace installation. The module is installed with DKMS (dkms-install).
# stratad reads /etc/strata/stratad.conf whatever PREFIX is: the example is
# installed there only when there is no such file, and uninstall removes it
# only when it is still the example.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/strata
UNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
CONFDIR := /etc/strata
INSTALL ?= install

$(BUILD)/stratad.service: $(TOP)/userspace/daemon/stratad.service.in FORCE
	@mkdir -p $(dir $@)
	@sed 's|@SBINDIR@|$(SBINDIR)|g' $< >$@.tmp && \
		{ cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@; }

install: $(BUILD)/stratad.service
	$(MAKE) -C $(TOP)/userspace O=$(BUILD)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(CONFDIR) $(DESTDIR)$(CONFDIR)/resources.d
	$(INSTALL) -m 0755 $(BUILD)/bin/stratactl $(BUILD)/bin/stratad \
		$(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 $(TOP)/userspace/man/stratactl.8 \
		$(TOP)/userspace/man/stratad.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 $(TOP)/userspace/man/stratad.conf.5 \
		$(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(BUILD)/stratad.service $(DESTDIR)$(UNITDIR)/
	$(INSTALL) -m 0644 $(TOP)/userspace/daemon/stratad.conf.example \
		$(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 $(TOP)/userspace/completion/stratactl \
		$(TOP)/userspace/completion/stratad $(DESTDIR)$(BASHCOMPDIR)/
	@if [ -e $(DESTDIR)$(CONFDIR)/stratad.conf ]; then \
		echo "keeping $(DESTDIR)$(CONFDIR)/stratad.conf (the example is $(DOCDIR)/stratad.conf.example)"; \
	else \
		echo "$(INSTALL) -m 0644 stratad.conf.example $(DESTDIR)$(CONFDIR)/stratad.conf"; \
		$(INSTALL) -m 0644 $(TOP)/userspace/daemon/stratad.conf.example \
			$(DESTDIR)$(CONFDIR)/stratad.conf; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/stratactl $(DESTDIR)$(SBINDIR)/stratad \
		$(DESTDIR)$(MANDIR)/man8/stratactl.8 \
		$(DESTDIR)$(MANDIR)/man8/stratad.8 \
		$(DESTDIR)$(MANDIR)/man5/stratad.conf.5 \
		$(DESTDIR)$(UNITDIR)/stratad.service \
		$(DESTDIR)$(BASHCOMPDIR)/stratactl $(DESTDIR)$(BASHCOMPDIR)/stratad
	@if cmp -s $(TOP)/userspace/daemon/stratad.conf.example \
		$(DESTDIR)$(CONFDIR)/stratad.conf; then \
		echo "rm -f $(DESTDIR)$(CONFDIR)/stratad.conf"; \
		rm -f $(DESTDIR)$(CONFDIR)/stratad.conf; \
	elif [ -e $(DESTDIR)$(CONFDIR)/stratad.conf ]; then \
		echo "keeping $(DESTDIR)$(CONFDIR)/stratad.conf (changed)"; \
	fi
	rm -f $(DESTDIR)$(DOCDIR)/stratad.conf.example
	@for d in $(DESTDIR)$(DOCDIR) $(DESTDIR)$(CONFDIR)/resources.d \
		$(DESTDIR)$(CONFDIR); do \
		rmdir $$d 2>/dev/null && echo "rmdir $$d" || true; \
	done

vm-shell: all
	$(VM_RUN) --shell

# Benchmarks (not part of check): tables on stdout, JSON in build/.
bench-core:
	@command -v valgrind >/dev/null || $(TOP)/scripts/install-deps.sh
	$(MAKE) -C $(TOP)/selftests/bench O=$(BUILD) run

bench-selector:
	@pkg-config --exists json-c || $(TOP)/scripts/install-deps.sh
	$(MAKE) -C $(TOP)/selftests/bench O=$(BUILD) run-selector

bench-compile:
	@pkg-config --exists json-c yaml-0.1 || $(TOP)/scripts/install-deps.sh
	$(MAKE) -C $(TOP)/userspace O=$(BUILD)
	$(MAKE) -C $(TOP)/selftests/bench O=$(BUILD) run-compile

bench-daemon:
	@pkg-config --exists json-c yaml-0.1 libsystemd libnl-route-3.0 || $(TOP)/scripts/install-deps.sh
	$(MAKE) -C $(TOP)/userspace O=$(BUILD)
	$(MAKE) -C $(TOP)/selftests/bench O=$(BUILD) run-daemon

# Fuzzing (not part of check): libFuzzer, needs clang.
fuzz-image:
	@command -v clang >/dev/null || { apt-get install -y -qq clang libclang-rt-14-dev >/dev/null; }
	$(MAKE) -C $(TOP)/selftests/fuzz O=$(BUILD) image

fuzz-selector:
	@command -v clang >/dev/null || { apt-get install -y -qq clang libclang-rt-14-dev >/dev/null; }
	$(MAKE) -C $(TOP)/selftests/fuzz O=$(BUILD) selector

fuzz-res:
	@command -v clang >/dev/null || { apt-get install -y -qq clang libclang-rt-14-dev >/dev/null; }
	$(MAKE) -C $(TOP)/selftests/fuzz O=$(BUILD) res

# Scale checks (not part of check): figures, no thresholds.
scale-etcd:
	@command -v etcd >/dev/null || $(TOP)/scripts/install-deps.sh
	$(MAKE) -C $(TOP)/selftests/scale O=$(BUILD) etcd $(if $(N),N=$(N))

scale-k8s:
	$(MAKE) -C $(TOP)/selftests/scale O=$(BUILD) k8s $(if $(N),N=$(N))

style:
	@$(TOP)/scripts/style.sh

FORCE:

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null || true
	rm -rf $(BUILD)
	find $(TOP)/kmod \( -name '*.o' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' \) -delete

.PHONY: all module userspace deps unit vm-check dkms-check check demo \
	dkms-install dkms-uninstall install uninstall FORCE vm-shell bench-core bench-selector bench-compile bench-daemon fuzz-image \
	fuzz-selector fuzz-res scale-etcd scale-k8s style clean
