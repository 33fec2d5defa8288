#!/bin/bash
# Run Strata test scripts inside a QEMU guest booting the Debian kernel (TCG, no
# KVM), with the Strata module loaded, and report the results as KTAP on stdout.
# See selftests/vm/README.md. Exit status: 0 all passed (skips are fine), 1 some
# test point failed, 2 usage or setup error, 130 interrupted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$here/../.." && pwd)

usage() {
	cat <<EOF
usage: $0 [options] [--] TEST...
       $0 [options] --shell

Boots one VM and runs every TEST (an executable guest script, path relative to
the repo root or absolute) in order, then prints KTAP results.

  -k KVER        guest kernel (default: newest /boot/vmlinuz-* with modules)
  -t SECONDS     hard timeout for the whole VM (default 900; none with --shell)
  -T SECONDS     timeout per test (default 300, env STRATA_VM_TEST_TIMEOUT)
  -m PATH        module to load (default \$REPO/strata.ko)
  --no-module    do not load a module
  --shell        interactive shell in the guest (module loaded); no tests
  --icount       -icount shift=0,sleep=off: guest time counts instructions
                 (1 ns each; implies --smp 1)
  --smp N        guest CPUs (default 2)
  --mem MB       guest memory (default 2048)
  --name SUITE   suite name in the TAP lines (default strata)
  --append ARGS  extra kernel command line arguments
  --keep         keep the output directory even when everything passed
  -v             copy the guest console to stderr (env STRATA_VM_VERBOSE=1)
EOF
	exit "${1:-2}"
}

die() {
	echo "$0: $*" >&2
	exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

# Single-quote a value for config.sh, which both bash and busybox sh source.
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Newest kernel in /boot whose modules are installed.
default_kver() {
	local k v
	for k in /boot/vmlinuz-*; do
		v=${k#/boot/vmlinuz-}
		[ -f "/lib/modules/$v/modules.dep" ] && echo "$v"
	done | sort -V | tail -n 1
}

# --- options ---------------------------------------------------------------------
kver=${STRATA_VM_KVER:-}
vm_timeout=
test_timeout=${STRATA_VM_TEST_TIMEOUT:-300}
module=$REPO/strata.ko
use_module=1
mode=tests
icount=0
smp=
mem=2048
suite=strata
keep=0
verbose=${STRATA_VM_VERBOSE:-0}
extra_append=
while [ $# -gt 0 ]; do
	case $1 in
	-k | -t | -T | -m | --smp | --mem | --name | --append)
		[ $# -ge 2 ] || die "$1 needs an argument"
		case $1 in
		-k) kver=$2 ;;
		-t) vm_timeout=$2 ;;
		-T) test_timeout=$2 ;;
		-m) module=$2 ;;
		--smp) smp=$2 ;;
		--mem) mem=$2 ;;
		--name) suite=$2 ;;
		--append) extra_append=$2 ;;
		esac
		shift 2
		;;
	--no-module) use_module=0 && shift ;;
	--shell) mode=shell && shift ;;
	--icount) icount=1 && shift ;;
	--keep) keep=1 && shift ;;
	-v | --verbose) verbose=1 && shift ;;
	-h | --help) usage 0 ;;
	--) shift && break ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) break ;;
	esac
done

[ -n "$kver" ] || kver=$(default_kver)
[ -n "$kver" ] || die "no kernel: need /boot/vmlinuz-VER and /lib/modules/VER (apt-get install linux-image-amd64)"
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || die "no $kernel"
[ -f "/lib/modules/$kver/modules.dep" ] || die "no /lib/modules/$kver/modules.dep"
# -icount runs all vCPUs on one host thread, and QEMU 7.2 hangs bringing up the
# second CPU with "-icount shift=0,sleep=off" (seen here): icount means one CPU.
if [ "$icount" = 1 ]; then
	[ "${smp:-1}" = 1 ] || die "--icount works with one CPU only (QEMU hangs at SMP bring-up)"
	smp=1
fi
smp=${smp:-2}
for n in "$test_timeout" "$smp" "$mem" ${vm_timeout:+"$vm_timeout"}; do
	if ! is_uint "$n" || [ "$n" -eq 0 ]; then die "not a positive number: $n"; fi
done
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"

if [ "$use_module" = 1 ]; then
	module=$(realpath -m "$module")
	[ -f "$module" ] || die "module $module not found: build it, pass -m PATH, or use --no-module"
else
	module=
fi

# Tests: absolute paths for the guest (which sees the host's / at the same paths).
tests=() names=()
if [ "$mode" = shell ]; then
	[ $# -eq 0 ] || die "--shell takes no TEST arguments"
else
	[ $# -gt 0 ] || die "no TEST given (see --help)"
	for t in "$@"; do
		case $t in
		/*) p=$t ;;
		*) p=$REPO/${t#./} ;;
		esac
		if ! [ -f "$p" ] || ! [ -x "$p" ]; then die "test $t: $p is not an executable file"; fi
		tests+=("$p")
		names+=("$(basename "$p")")
	done
fi

# --- output directory, config, initramfs ------------------------------------------
mkdir -p "$REPO/build/vm"
initrd=$REPO/build/vm/initramfs-$kver.cpio.gz
"$here/mkinitramfs.sh" "$kver" "$initrd" || die "building $initrd failed"
out=$(mktemp -d "$REPO/build/vm/run.XXXXXX")
chmod 755 "$out"
console=$out/console.log

rows='' cols=''
if [ "$mode" = shell ] && [ -t 0 ]; then
	read -r rows cols < <(stty size 2>/dev/null) || true
fi
{
	echo "# written by selftests/vm/run.sh, read by guest-init.sh"
	echo "REPO=$(shq "$REPO")"
	echo "MODE=$(shq "$mode")"
	echo "MODULE=$(shq "$module")"
	echo "TESTS=$(shq "$(printf '%s\n' ${tests[@]+"${tests[@]}"})")"
	echo "TIMEOUT_PER_TEST=$(shq "$test_timeout")"
	echo "ICOUNT=$(shq "$icount")"
	echo "SUITE=$(shq "$suite")"
	echo "KVER=$(shq "$kver")"
	echo "HOST_OUT=$(shq "$out")"
	echo "HOST_TERM=$(shq "${TERM:-vt100}")"
	echo "TERM_ROWS=$(shq "$rows")"
	echo "TERM_COLS=$(shq "$cols")"
} >"$out/config.sh"

# --- boot ------------------------------------------------------------------------
# Kernel command line (all checked against 6.1):
#   panic=-1             reboot at once on panic; with -no-reboot QEMU then exits
#   quiet                keep the (slow) serial console short; dmesg has everything
#   slab_nomerge, slub_debug=FZPU,strata*
#                        sanity checks, red zones, poisoning and owner tracking for
#                        the module's own slab caches (glob match on the name)
#   watchdog_thresh=60   soft lockup after 120 s, not 20 s: TCG is slow
#   softlockup_panic=1 panic_print=0x20
#                        a soft lockup fails the run anyway: panic at once rather
#                        than wait for the timeout, and print the whole kernel log
#                        to the console on panic, so that the stack traces "quiet"
#                        kept off the console reach console.log
#   rcupdate.rcu_cpu_stall_timeout=300   (the maximum 6.1 accepts)
#   sysctl.kernel.hung_task_timeout_secs=600
#                        hung_task_timeout_secs is a sysctl, not a boot parameter:
#                        6.1 sets sysctls from "sysctl.*" arguments
#   log_buf_len=8M       dmesg must not wrap during a long run (default 128 KiB)
#   printk.devkmsg=on    no rate limit on test output written to /dev/kmsg
#   tsc=reliable         TCG's TSC comes from one host clock, so it is in sync across
#                        vCPUs, but the kernel's check fails with -smp 2 (vCPU
#                        scheduling skew) and falls back to HPET: clock_gettime()
#                        then is a syscall plus MMIO exits, 3.5x slower
append="console=ttyS0 panic=-1 quiet slab_nomerge slub_debug=FZPU,strata*"
append+=" watchdog_thresh=60 softlockup_panic=1 panic_print=0x20"
append+=" rcupdate.rcu_cpu_stall_timeout=300"
append+=" sysctl.kernel.hung_task_timeout_secs=600 log_buf_len=8M printk.devkmsg=on"
append+=" tsc=reliable"
append+=${extra_append:+" $extra_append"}

qpath() { printf '%s' "${1//,/,,}"; } # QEMU option values escape "," as ",,"
# shellcheck disable=SC2054 # the commas belong to QEMU's option syntax
qemu=(qemu-system-x86_64 -m "$mem" -smp "$smp" -nographic -no-reboot
	-kernel "$kernel" -initrd "$(qpath "$initrd")"
	-fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=r,mount_tag=hostroot
	-fsdev "local,id=o,path=$(qpath "$out"),security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=o,mount_tag=stratout
	-nic none -append "$append")
# shellcheck disable=SC2054
if [ "$icount" = 1 ]; then qemu+=(-icount shift=0,sleep=off); fi

if [ "$mode" = shell ]; then
	echo "strata-vm: booting $kver (QEMU TCG); the out dir $out is kept" >&2
	rc=0
	if [ -n "$vm_timeout" ]; then
		# --foreground: QEMU must own the terminal to read from it.
		timeout --foreground -k 10 "$vm_timeout" "${qemu[@]}" || rc=$?
	else
		"${qemu[@]}" || rc=$?
	fi
	exit "$rc"
fi

vm_timeout=${vm_timeout:-900}
echo "strata-vm: booting $kver (QEMU TCG) for ${#tests[@]} test(s), out dir $out" >&2
start=$(date +%s)
# timeout runs QEMU in its own process group, so a Ctrl-C on the terminal does not
# reach it: forward INT/TERM explicitly (timeout passes them on to QEMU).
timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null >"$console" 2>&1 &
qpid=$!
interrupted=0
trap 'interrupted=1; kill -TERM "$qpid" 2>/dev/null || true' INT TERM HUP
if [ "$verbose" = 1 ]; then
	tail -n +1 -f --pid="$qpid" "$console" >&2 &
fi
rc=0
while :; do
	wait "$qpid" && rc=0 || rc=$?
	kill -0 "$qpid" 2>/dev/null || break # else wait was cut short by a signal
done
trap - INT TERM HUP
wait # for tail
wall=$(($(date +%s) - start))
if [ "$interrupted" = 1 ]; then
	echo "strata-vm: interrupted; out dir kept: $out" >&2
	exit 130
fi

# --- results ---------------------------------------------------------------------
finished=0
[ -f "$out/done" ] && finished=1
pass=0 fail=0 skip=0
tail_shown=0

# File content as TAP diagnostics, without CRs and terminal escapes (SeaBIOS).
diag() { tr -d '\r' | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b.//g' -e 's/^/# /'; }

# Why the run ended early, plus the last console lines; printed once.
console_tail() {
	[ "$tail_shown" = 0 ] || return 0
	tail_shown=1
	case $rc in
	124 | 137) echo "# the VM was killed after the ${vm_timeout}s timeout (-t)" ;;
	*) echo "# the VM stopped before the run finished (crash, panic or guest-init error; QEMU exit $rc)" ;;
	esac
	echo "# last 40 console lines ($console):"
	tail -n 40 "$console" | diag
}

point() { # ok|not ok|skip K DESCRIPTION [REASON]
	local result=$1 k=$2 desc="selftests: $suite: $3" reason=${4:-}
	case $result in
	ok) pass=$((pass + 1)) && echo "ok $k $desc" ;;
	skip) skip=$((skip + 1)) && echo "ok $k $desc # SKIP${reason:+ $reason}" ;;
	*) fail=$((fail + 1)) && echo "not ok $k $desc${reason:+ # $reason}" ;;
	esac
}

n=${#tests[@]}
echo "TAP version 13"
echo "1..$((n + 2))"

for ((i = 1; i <= n; i++)); do
	name=${names[i - 1]}
	f=$out/test-$i
	echo "# selftests: $suite: $name"
	[ -f "$f.log" ] && diag <"$f.log"
	if [ -f "$f.rc" ]; then
		trc=$(cat "$f.rc")
		if [ -f "$f.timeout" ]; then
			echo "# timed out after ${test_timeout}s (-T)"
			point fail "$i" "$name" TIMEOUT
		elif [ "$trc" = 0 ]; then
			point ok "$i" "$name"
		elif [ "$trc" = 4 ]; then
			point skip "$i" "$name"
		else
			echo "# exit code $trc"
			point fail "$i" "$name"
		fi
	else
		if [ -f "$f.start" ]; then
			echo "# the test did not finish"
			console_tail
			case $rc in
			124 | 137) point fail "$i" "$name" TIMEOUT ;; # the VM timed out in it
			*) point fail "$i" "$name" ;;
			esac
		else
			echo "# not run"
			console_tail
			point fail "$i" "$name"
		fi
	fi
done

# (a) module load/unload
k=$((n + 1))
if [ -z "$module" ]; then
	point skip "$k" "module load/unload" "no module (--no-module)"
else
	lrc=$(cat "$out/module-load.rc" 2>/dev/null || echo missing)
	urc=$(cat "$out/module-unload.rc" 2>/dev/null || echo missing)
	for f in "$out/module-load.log" "$out/module-unload.log"; do
		if [ -f "$f" ]; then diag <"$f"; fi
	done
	if [ "$lrc" = 0 ] && [ "$urc" = 0 ]; then
		point ok "$k" "module load/unload"
	else
		echo "# load: $lrc, unload: $urc"
		[ "$finished" = 1 ] || console_tail
		point fail "$k" "module load/unload"
	fi
fi

# (b) kernel log clean
# Lines that mean trouble. "BUG " at the start of a line is the header of a SLUB
# report ("BUG kmalloc-64 (Tainted: ...): Poison overwritten").
bad_re='WARNING:|BUG:|^(\[ *[0-9]+\.[0-9]+\] )?BUG |Oops|general protection fault|kernel BUG'
bad_re+='|RCU stall|rcu: INFO:|detected stalls|soft lockup|hard LOCKUP|hung_task|blocked for more than'
bad_re+='|UBSAN|Slab cache still has objects|Objects remaining|Poison overwritten|Redzone|leaked'
bad_re+='|list_add corruption|refcount_t|Call Trace:|Kernel panic'
# Not kernel trouble: the "Command line:" lines (they name hung_task_timeout_secs)
# and guest-init's own markers (they name the tests).
ok_re='[Cc]ommand line:|\] strata-vm: |^strata-vm: '
# Taint flags, by bit (kernel/panic.c); O (12) and E (13) are expected.
taint_letters=PFSRMBUDAWCIOELKXT
k=$((n + 2))
if [ "$finished" = 1 ]; then
	logfile=$out/dmesg.txt
else
	logfile=$console
fi
bad=$(tr -d '\r' <"$logfile" | grep -E -e "$bad_re" | grep -v -E -e "$ok_re" || true)
log_ok=1
if [ -n "$bad" ]; then
	log_ok=0
	echo "# kernel log trouble in $(basename "$logfile"):"
	printf '%s\n' "$bad" | head -n 100 | diag
fi
if [ "$finished" = 1 ]; then
	tb=$(cat "$out/tainted.before") ta=$(cat "$out/tainted.after")
	changed=$(((tb ^ ta) & ~(4096 | 8192)))
	if [ "$changed" -ne 0 ]; then
		log_ok=0
		flags=
		for ((b = 0; b < ${#taint_letters}; b++)); do
			if ((changed >> b & 1)); then flags+=${taint_letters:b:1}; fi
		done
		echo "# kernel taint changed from $tb to $ta (flags $flags)"
	fi
	if [ "$log_ok" = 1 ]; then
		point ok "$k" "kernel log clean"
	else
		point fail "$k" "kernel log clean"
	fi
else
	console_tail
	point fail "$k" "kernel log clean"
fi

boot=$(cut -d' ' -f1 "$out/uptime.start" 2>/dev/null || echo '?')
echo "# kernel $kver, userspace up after ${boot}s guest time, VM wall time ${wall}s"
if [ "$fail" -gt 0 ] || [ "$keep" = 1 ]; then
	echo "# out dir kept: $out"
else
	rm -rf "$out"
fi
echo "# Totals: pass:$pass fail:$fail skip:$skip"
[ "$fail" -eq 0 ]
