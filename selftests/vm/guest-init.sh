#!/bin/bash
# PID 1 of the Strata test VM, read from the host filesystem (see run.sh).
#
# The initramfs starts it as "/bin/sh .../guest-init.sh" (dash on Debian), so the
# first command must be POSIX: it re-executes the script under bash.
if [ -z "${BASH_VERSION:-}" ]; then
	# shellcheck disable=SC2093 # the lines below run only if exec fails
	exec bash "$0" "$@"
	echo "strata-vm: cannot exec bash" # should bash be missing, power off at once
	echo 1 >/proc/sys/kernel/sysrq
	echo o >/proc/sysrq-trigger
	while :; do sleep 60; done
fi

# Files written to the share (run.sh reads them after power-off):
#   uptime.start                   /proc/uptime once userspace is up (boot time)
#   tainted.before, tainted.after  /proc/sys/kernel/tainted
#   module-load.{log,rc}           modprobe of the dependencies + insmod
#   module-unload.{log,rc}         final rmmod (rc 0 if the module was already gone)
#   test-N.{start,log,rc}          N-th test (1-based): start marker, output, exit code
#   test-N.timeout                 present when the test was killed by its timeout
#   dmesg.txt                      full kernel log at the end
#   done                           written last: the run completed
OUT=/run/strata-out

say() { echo "strata-vm: $*"; }

# To the kernel log too, so that dmesg shows which test ran when.
mark() {
	say "$*"
	echo "strata-vm: $*" >/dev/kmsg 2>/dev/null || true
}

# PID 1 must never exit (the kernel would panic): power off, then wait for it.
power_off() {
	sync
	echo 1 >/proc/sys/kernel/sysrq
	echo o >/proc/sysrq-trigger
	while :; do sleep 60; done
}

mount_if_missing() { # TYPE DIR [OPTIONS]
	mountpoint -q "$2" && return 0
	mkdir -p "$2"
	mount -t "$1" ${3:+-o "$3"} "$1" "$2"
}

setup_system() {
	mount_if_missing proc /proc
	mount_if_missing sysfs /sys
	mount_if_missing devtmpfs /dev
	mount_if_missing devpts /dev/pts gid=5,mode=620,ptmxmode=666
	mount_if_missing tmpfs /dev/shm mode=1777
	mount_if_missing debugfs /sys/kernel/debug || true # optional
	hostname strata-vm
	ip link set lo up
	# Debian's kmsg default is rate-limited; tests may log a lot (run.sh also
	# passes printk.devkmsg=on).
	echo on >/proc/sys/kernel/printk_devkmsg 2>/dev/null || true
}

setup_env() {
	# Snapshot the binaries and the module into the guest's tmpfs: the
	# host tree may be rebuilt while the tests run (a developer's or
	# another job's make), and a binary replaced under a running guest
	# crashes it.
	local bin=/run/strata-bin
	mkdir -p "$bin"
	if [ -d "$REPO/build/bin" ]; then
		cp -a "$REPO/build/bin/." "$bin/" 2>/dev/null || bin="$REPO/build/bin"
	fi
	if [ -n "$MODULE" ] && cp "$MODULE" /run/strata-module.ko 2>/dev/null; then
		MODULE=/run/strata-module.ko
	fi
	export HOME=/root
	export PATH="$bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	export STRATA_ROOT="$REPO"
	export STRATA_KO="$MODULE"
	export STRATA_OUT="$OUT"
	export STRATA_VM=1
	export STRATA_ICOUNT="$ICOUNT"
	cd "$REPO"
}

# Load $MODULE after the modules it depends on. Output and rc go to the share.
load_module() {
	local deps dep rc=0
	[ -n "$MODULE" ] || return 0
	{
		deps=$(modinfo -F depends "$MODULE") || rc=$?
		local IFS=,
		for dep in $deps; do
			[ "$rc" -ne 0 ] && break
			echo "+ modprobe $dep"
			modprobe "$dep" || rc=$?
		done
		if [ "$rc" -eq 0 ]; then
			echo "+ insmod $MODULE"
			insmod "$MODULE" || rc=$?
		fi
	} >"$OUT/module-load.log" 2>&1
	echo "$rc" >"$OUT/module-load.rc"
	if [ "$rc" -eq 0 ]; then say "loaded $MODULE"; else say "FAILED to load $MODULE (rc $rc)"; fi
}

# Unload the module if it is still loaded (a test may have removed it already).
unload_module() {
	local name rc=0
	[ -n "$MODULE" ] || return 0
	name=$(modinfo -F name "$MODULE" 2>/dev/null) || true
	[ -n "$name" ] || name=$(basename "$MODULE" .ko)
	if [ -d "/sys/module/$name" ]; then
		echo "+ rmmod $name" >"$OUT/module-unload.log"
		rmmod "$name" >>"$OUT/module-unload.log" 2>&1 || rc=$?
	else
		echo "module $name is not loaded (any more): nothing to unload" >"$OUT/module-unload.log"
	fi
	echo "$rc" >"$OUT/module-unload.rc"
}

run_tests() {
	local i=0 n t rc start
	local -a tests=()
	[ -n "$TESTS" ] && mapfile -t tests <<<"$TESTS"
	n=${#tests[@]}
	for t in "${tests[@]}"; do
		i=$((i + 1))
		mark "[$i/$n] running $t"
		start=$(date +%s)
		echo "$start" >"$OUT/test-$i.start"
		sync
		# timeout runs the test in its own process group and signals the whole
		# group; -k: SIGKILL if the test ignores SIGTERM.
		rc=0
		timeout -k 10 "$TIMEOUT_PER_TEST" "$t" </dev/null >"$OUT/test-$i.log" 2>&1 || rc=$?
		# 124: timed out; 137 (128+KILL) is a timeout only if the time ran out.
		if [ "$rc" -eq 124 ] || { [ "$rc" -eq 137 ] && [ $(($(date +%s) - start)) -ge "$TIMEOUT_PER_TEST" ]; }; then
			: >"$OUT/test-$i.timeout"
		fi
		echo "$rc" >"$OUT/test-$i.rc"
		mark "[$i/$n] $t: exit $rc after $(($(date +%s) - start))s"
		cd "$REPO" # in case a test changed it (it cannot: it is a child process)
	done
}

run_shell() {
	local tty=/dev/ttyS0 shell=/bin/sh
	command -v bash >/dev/null && shell=$(command -v bash)
	if [ -n "$TERM_ROWS" ]; then stty -F "$tty" rows "$TERM_ROWS" cols "$TERM_COLS" 2>/dev/null || true; fi
	export TERM="${HOST_TERM:-vt100}"
	cat <<-EOF

		=== Strata test VM: $(uname -r), $(nproc) CPUs ===
		repo:    $REPO (read-only host files under a throw-away overlay)
		module:  ${MODULE:-(none)}$([ -n "$MODULE" ] && echo " (load rc $(cat "$OUT/module-load.rc"))")
		share:   $OUT (host: $HOST_OUT, kept)
		env:     STRATA_ROOT STRATA_KO STRATA_OUT; PATH has \$REPO/build/bin
		Leave the shell (exit / Ctrl-D) to power off; Ctrl-A x kills QEMU.

	EOF
	# A shell with job control needs a controlling terminal: /dev/console cannot
	# be one, the serial port can. setsid -c makes stdin the controlling tty.
	setsid -w -c "$shell" -i <>"$tty" >&0 2>&0 || true
}

main() {
	setup_system
	# shellcheck source=/dev/null
	. "$OUT/config.sh"
	# What run.sh writes there (TESTS: absolute paths, one a line):
	REPO=${REPO:?} MODE=${MODE:-tests} MODULE=${MODULE:-} TESTS=${TESTS:-}
	TIMEOUT_PER_TEST=${TIMEOUT_PER_TEST:-300} ICOUNT=${ICOUNT:-0}
	HOST_OUT=${HOST_OUT:-} HOST_TERM=${HOST_TERM:-} TERM_ROWS=${TERM_ROWS:-} TERM_COLS=${TERM_COLS:-}
	setup_env
	cat /proc/uptime >"$OUT/uptime.start"
	cat /proc/sys/kernel/tainted >"$OUT/tainted.before"
	say "up after $(cut -d' ' -f1 /proc/uptime)s; mode $MODE"
	load_module
	if [ "$MODE" = shell ]; then
		run_shell
	else
		run_tests
	fi
	unload_module
	dmesg >"$OUT/dmesg.txt"
	cat /proc/sys/kernel/tainted >"$OUT/tainted.after"
	: >"$OUT/done"
	say "done"
}

# The work runs in a subshell with errexit, so an unexpected error ends it (and
# the missing "done" marker tells run.sh) while this PID 1 goes on to power off.
# (Not "( ... ) || ...": errexit is ignored inside a command whose status is tested.)
(
	set -euo pipefail
	main
)
rc=$?
[ "$rc" -eq 0 ] || say "guest-init failed (exit $rc)"
power_off
