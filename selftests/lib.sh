# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for Strata's guest selftests (sourced, not run). Modelled
# on the kernel's tools/testing/selftests/net/lib.sh and kselftest's KTAP
# helpers: each script prints TAP 13 test points and exits with a kselftest
# code (0 pass, 1 fail, 4 skip).
#
#   . "$(dirname "$0")/../lib.sh"
#   check "stratactl version works" stratactl version
#   check_fail "refused without CAP_NET_ADMIN" 4 setpriv ... stratactl version
#   ktap_finish

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

ksft_n=0
ksft_pass=0
ksft_fail=0
ksft_skip=0
LAST_OUT=""
LAST_RC=0

echo "TAP version 13"

# log_test DESC RC: one TAP test point from an exit status.
log_test()
{
	ksft_n=$((ksft_n + 1))
	if [ "$2" -eq 0 ]; then
		ksft_pass=$((ksft_pass + 1))
		echo "ok $ksft_n $1"
	else
		ksft_fail=$((ksft_fail + 1))
		echo "not ok $ksft_n $1"
	fi
}

log_skip()
{
	ksft_n=$((ksft_n + 1))
	ksft_skip=$((ksft_skip + 1))
	echo "ok $ksft_n $1 # SKIP $2"
}

diag()
{
	printf '%s\n' "$*" | sed 's/^/# /'
}

# run CMD...: run, keep output in LAST_OUT and status in LAST_RC.
run()
{
	LAST_OUT=$("$@" 2>&1)
	LAST_RC=$?
	return 0
}

# check DESC CMD...: passes when CMD exits 0.
check()
{
	desc=$1
	shift
	run "$@"
	[ "$LAST_RC" -eq 0 ] || diag "command: $*" "exit $LAST_RC" "$LAST_OUT"
	log_test "$desc" "$LAST_RC"
}

# check_fail DESC RC CMD...: passes when CMD exits exactly RC.
check_fail()
{
	desc=$1
	want=$2
	shift 2
	run "$@"
	if [ "$LAST_RC" -eq "$want" ]; then
		log_test "$desc" 0
	else
		diag "command: $*" "exit $LAST_RC, expected $want" "$LAST_OUT"
		log_test "$desc" 1
	fi
}

# check_out DESC PATTERN: the last command's output matches the ERE.
check_out()
{
	if printf '%s\n' "$LAST_OUT" | grep -Eq -- "$2"; then
		log_test "$1" 0
	else
		diag "output does not match /$2/:" "$LAST_OUT"
		log_test "$1" 1
	fi
}

# check_eq DESC GOT WANT
check_eq()
{
	if [ "$2" = "$3" ]; then
		log_test "$1" 0
	else
		diag "got '$2', expected '$3'"
		log_test "$1" 1
	fi
}

require_cmd()
{
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			echo "# SKIP: missing command $c"
			echo "1..0 # SKIP missing $c"
			exit $KSFT_SKIP
		fi
	done
}

# Network namespaces created with setup_ns are deleted on exit.
NS_LIST=""
setup_ns()
{
	for name in "$@"; do
		ns="$name-$$"
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		NS_LIST="$NS_LIST $ns"
		eval "$name=\$ns"
	done
}

cleanup_ns()
{
	for ns in $NS_LIST; do
		ip netns del "$ns" 2>/dev/null
	done
	NS_LIST=""
}

# busywait TIMEOUT_MS CMD...: retry CMD until it succeeds or time runs out.
busywait()
{
	timeout_ms=$1
	shift
	start=$(date +%s%3N)
	while :; do
		"$@" && return 0
		now=$(date +%s%3N)
		[ $((now - start)) -ge "$timeout_ms" ] && return 1
		sleep 0.1
	done
}

module_loaded()
{
	[ -d /sys/module/strata ]
}

ktap_finish()
{
	cleanup_ns
	echo "1..$ksft_n"
	echo "# Totals: pass:$ksft_pass fail:$ksft_fail skip:$ksft_skip"
	if [ "$ksft_fail" -gt 0 ]; then
		exit $KSFT_FAIL
	elif [ "$ksft_pass" -eq 0 ] && [ "$ksft_skip" -gt 0 ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

trap cleanup_ns EXIT
