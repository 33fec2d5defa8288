#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README demo, run inside the VM by `make demo` (the harness has
# loaded strata.ko). The VM is the host "demo-node"; two pods and an
# outside peer are network namespaces joined to it by veth pairs, routed
# the way Calico routes them (interfaces named as Calico names them):
#
#   frontend (ns)                       host (the VM)               backend (ns)
#   eth0 10.65.0.10  ==veth== cali76e3fb891b9   cali6793bd60945 ==veth== eth0 10.65.0.20
#        fd00:65::10                                                     fd00:65::20
#                                    eth-outside
#                                         ||veth 198.51.100.0/24
#                                    outside (ns) eth0 198.51.100.2
#
# stratad runs with the directory datastore: the Namespace and Pods the
# orchestrator reports (examples/demo/cluster.yaml) are in its directory;
# `stratactl apply` adds the example tiered policy (examples/demo/
# policy.yaml, Calico resources) and waits until it is programmed. Real
# TCP and ICMP over IPv4 and IPv6 then show what gets through and what does
# not; a quarantine network set is applied and deleted; stratad is killed
# and restarted under traffic; the flow events, counters, `stratactl
# explain` and /metrics say why. Every claim is also a TAP test point.
. "$(dirname "$0")/../lib.sh"
require_cmd stratactl stratad socat ping ip

TOP=$(cd "$(dirname "$0")/../.." && pwd)
EX=$TOP/examples/demo
TMP=$(mktemp -d)
DIR=$TMP/resources
SD_PID=""
HOSTMAC=ee:ee:ee:ee:ee:ee
GW6=fe80::ecee:eeff:feee:eeee
MON_PIDS=""
SRV_PIDS=""

bye()
{
	for p in $MON_PIDS $SRV_PIDS $SD_PID; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for n in frontend backend outside; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap bye EXIT

say()
{
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

# show CMD...: print a shell prompt and the command, then run it.
show()
{
	printf '$ %s\n' "$*"
	"$@"
}

# pod NAME IFNAME ADDR4 ADDR6: a workload namespace behind a host veth,
# with 169.254.1.1 / fe80::ecee:eeff:feee:eeee as its gateway (found with
# IPv6 neighbour discovery, which Strata lets through under any policy).
pod()
{
	ip netns add "$1"
	ip link add "$2" address $HOSTMAC type veth peer name eth0 netns "$1"
	ip link set "$2" up
	ip route add "$3/32" dev "$2"
	ip route add "$4/128" dev "$2"
	ip -n "$1" -batch - <<-EOF
	link set lo up
	link set eth0 up
	addr add $3/32 dev eth0
	addr add $4/128 dev eth0 nodad
	route add 169.254.1.1 dev eth0
	route add default via 169.254.1.1 dev eth0
	neigh replace 169.254.1.1 lladdr $HOSTMAC dev eth0 nud permanent
	route add default via $GW6 dev eth0
	EOF
}

# tcp NS ADDR PORT: connect and print what the server said, or the error.
tcp()
{
	ip netns exec "$1" socat -T3 - "TCP:$2:$3,connect-timeout=3" \
		</dev/null 2>&1 | sed 's/^.*E connect([^)]*): //'
}

# expect DESC WANT CMD...: run CMD (showing it), pass if its output
# contains WANT.
expect()
{
	desc=$1 want=$2
	shift 2
	printf '$ %s\n' "$*"
	out=$("$@" 2>&1)
	printf '%s\n' "$out" | sed 's/^/  /'
	case $out in
	*"$want"*) log_test "$desc" 0 ;;
	*) log_test "$desc" 1 ;;
	esac
}

# iface NS POD: the interface Calico names a pod's host-side veth
iface()
{
	printf 'cali%s' "$(printf '%s' "$1.$2" | sha1sum | cut -c1-11)"
}

# sd_start: stratad in the background, its log in $TMP/stratad.log
sd_start()
{
	stratad -c "$TMP/stratad.conf" >>"$TMP/stratad.log" 2>&1 &
	SD_PID=$!
}

sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0

say "The module"
show stratactl version

say "Plumbing: two pods and an outside peer (what a CNI plugin does)"
FE_IF=$(iface demo frontend)
BE_IF=$(iface demo backend)
pod frontend "$FE_IF" 10.65.0.10 fd00:65::10
pod backend "$BE_IF" 10.65.0.20 fd00:65::20
ip netns add outside
ip link add eth-outside type veth peer name eth0 netns outside
ip link set eth-outside up
ip addr add 198.51.100.1/24 dev eth-outside
ip -n outside -batch - <<-EOF
link set lo up
link set eth0 up
addr add 198.51.100.2/24 dev eth0
route add default via 198.51.100.1
EOF
show ip -br link show type veth

# The backend serves its API on 8080, SSH on 22, metrics on 9090.
for port in 8080 22 9090; do
	ip netns exec backend socat "TCP6-LISTEN:$port,fork,reuseaddr,ipv6only=0" \
		"SYSTEM:echo backend $port answered" 2>/dev/null &
	SRV_PIDS="$SRV_PIDS $!"
done
# stratactl monitor: every new flow's verdict and the trace that decided it.
stratactl monitor flows >"$TMP/flows.txt" 2>&1 &
MON_PIDS="$MON_PIDS $!"
stratactl -j monitor flows >"$TMP/flows.json" 2>&1 &
MON_PIDS="$MON_PIDS $!"
sleep 1

say "Before any policy is committed, workloads fail closed"
expect "fail closed: no ping from frontend to backend before the first commit" \
	"100% packet loss" ip netns exec frontend ping -c1 -W1 10.65.0.20

say "Start stratad with the directory datastore"
mkdir -p "$DIR"
cp "$EX/cluster.yaml" "$DIR/"
cat >"$TMP/stratad.conf" <<-EOF
node_name = demo-node
datastore = directory
directory = $DIR
log_target = stderr
EOF
show cat "$TMP/stratad.conf"
echo "(the directory holds what the orchestrator reports: examples/demo/cluster.yaml,"
echo " a Namespace and the two Pods)"
printf '$ stratad -c %s &\n' "$TMP/stratad.conf"
sd_start
check "stratad programs the pods (stratactl status wait)" \
	stratactl status wait --timeout 120
show stratactl status
rec=$(cat /run/strata/endpoint-status/pod/demo/backend 2>/dev/null)
printf '$ cat /run/strata/endpoint-status/pod/demo/backend\n%s\n' "$rec"
case $rec in
*'"status":"programmed"'*) r=0 ;;
*) r=1 ;;
esac
log_test "the backend's programmed acknowledgement is there (what a CNI plugin waits for)" $r

say "Apply the example tiered policy (Calico resources)"
sed -n '/^[^#]/,$p' "$EX/policy.yaml"
check "stratactl apply writes it and waits until it is programmed" \
	stratactl apply -f "$EX/policy.yaml"
show stratactl tier show

say "Allowed: frontend to the backend API, IPv4 and IPv6, and ping"
expect "frontend reaches backend:8080 over IPv4" "backend 8080 answered" \
	tcp frontend 10.65.0.20 8080
expect "frontend reaches backend:8080 over IPv6" "backend 8080 answered" \
	tcp frontend "[fd00:65::20]" 8080
expect "frontend pings backend over IPv4" " 0% packet loss" \
	ip netns exec frontend ping -c1 -W2 10.65.0.20
expect "frontend pings backend over IPv6" " 0% packet loss" \
	ip netns exec frontend ping -c1 -W2 fd00:65::20

say "Denied: SSH and metrics are logged, then denied at the end of tier application"
expect "frontend to backend:22 is dropped (the client times out)" \
	"timed out" tcp frontend 10.65.0.20 22
expect "frontend to backend:9090 over IPv6 is dropped too" \
	"timed out" tcp frontend "[fd00:65::20]" 9090
say "Denied: the outside peer is not the frontend"
expect "outside to backend:8080 is dropped" "timed out" \
	tcp outside 10.65.0.20 8080

say "Quarantine the frontend: tier security now denies it first"
sed -n '/^[^#]/,$p' "$EX/quarantine.yaml"
check "stratactl apply of the quarantine network set" \
	stratactl apply -f "$EX/quarantine.yaml"
expect "a quarantined frontend no longer reaches backend:8080" "timed out" \
	tcp frontend 10.65.0.20 8080
check "stratactl delete of the quarantine network set" \
	stratactl delete -f "$EX/quarantine.yaml"
expect "released from quarantine, it does again" "backend 8080 answered" \
	tcp frontend 10.65.0.20 8080

say "Restart without disruption: kill -9 stratad, the kernel keeps enforcing"
gen0=$(stratactl -j stats | tr -d ' \n' | sed -n 's/.*"generation":\([0-9]*\).*/\1/p')
printf '$ kill -9 %s\n' "$SD_PID"
kill -9 "$SD_PID"
wait "$SD_PID" 2>/dev/null
SD_PID=""
expect "with stratad dead, the frontend still reaches the API" \
	"backend 8080 answered" tcp frontend 10.65.0.20 8080
expect "and SSH is still denied" "timed out" tcp frontend 10.65.0.20 22
printf '$ stratad -c %s &\n' "$TMP/stratad.conf"
sd_start
check "the restarted stratad is ready" stratactl status wait --timeout 120
field()
{
	stratactl -j status 2>/dev/null | tr -d ' \n' |
		sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}
commits=$(field commits)
gen=$(field generation)
echo "since the restart stratad committed ${commits:-?} transactions; the kernel is at generation ${gen:-?}, as before"
[ "${commits:-x}" = 0 ] && [ "${gen:-x}" = "$gen0" ]
log_test "the restart applied nothing: the kernel already held the desired state" $?

sleep 1
mon_rc=0
for p in $MON_PIDS; do
	kill "$p" 2>/dev/null
	wait "$p" || mon_rc=$?
done
MON_PIDS=""
log_test "stratactl monitor ends cleanly on SIGTERM" $mon_rc

say "Flow events (stratactl monitor flows): one per new flow, with its trace"
echo "(a retransmitted SYN that was dropped is a new flow again; IPv6"
echo " neighbour discovery and MLD to multicast addresses omitted here)"
grep -v -- '-> ff02::' "$TMP/flows.txt"
say "The same as JSON (stratactl -j monitor flows): the denied SSH attempt"
grep '"dport":22,.*"verdict":"deny"' "$TMP/flows.json" | head -n1

say "The log rule's kernel log line"
dmesg | grep 'strata' | grep -v 'loading out-of-tree\|taint' | tail -n3

say "Why was SSH denied? stratactl explain, over the live kernel state"
echo "(--kernel: decide over the kernel's state; the manifests only give names and"
echo " lines; this host's node name comes from stratad)"
printf '$ stratactl explain --kernel -f %s --from demo/frontend --to demo/backend --dport 22\n' \
	"${EX#"$TOP"/}"
out=$(stratactl explain --kernel -f "$EX" --from demo/frontend \
	--to demo/backend --dport 22 2>&1)
printf '%s\n' "$out"
case $out in
*"node demo-node"*"policy.yaml:56"*"verdict: deny"*"the end of tier application"*) r=0 ;;
*) r=1 ;;
esac
log_test "explain: denied at the end of tier application, after the log rule" $r

say "Counters: what each rule of backend-api decided"
pid=$(stratactl policy show |
	sed -n 's|^policy add id \([0-9]*\) name np:demo/application.backend-api.*|\1|p')
show stratactl counters policy "$pid"
say "Enforcement statistics"
show stratactl stats
say "stratad's /metrics (Prometheus; an excerpt)"
printf '$ curl -s http://127.0.0.1:9097/metrics\n'
metrics=$(curl -s http://127.0.0.1:9097/metrics 2>&1)
printf '%s\n' "$metrics" | grep -E '^strata' | head -n 12
case $metrics in
*strata*) r=0 ;;
*) r=1 ;;
esac
log_test "stratad serves /metrics" $r

# What the events must say.
grep -q 'deny reason not-committed' "$TMP/flows.txt"
log_test "a flow event shows the fail-closed drop" $?
grep -Eq 'allow .*10\.65\.0\.10:[0-9]+ -> 10\.65\.0\.20:8080' "$TMP/flows.txt"
log_test "a flow event shows the allowed API connection" $?
grep -Eq 'deny .*10\.65\.0\.10:[0-9]+ -> 10\.65\.0\.20:22 ' "$TMP/flows.txt"
log_test "a flow event shows the denied SSH connection" $?
grep -A3 -E '10\.65\.0\.20:22 ' "$TMP/flows.txt" |
	grep -q 'deny by tier-default tier [0-9]* (tier:application)'
log_test "its trace names the end of tier application" $?
grep -q 'gnp:security.quarantine' "$TMP/flows.txt"
log_test "the quarantined attempt names the security tier's policy" $?
grep -q '"dport":22,.*"verdict":"deny","reason":"policy"' "$TMP/flows.json"
log_test "the JSON monitor reports it too" $?
stats=$(stratactl stats)
nd=$(printf '%s\n' "$stats" | sed -n 's/^reason nd //p')
spoof=$(printf '%s\n' "$stats" | sed -n 's/^reason spoof //p')
[ "${nd:-0}" -gt 0 ] && [ "${spoof:-1}" -eq 0 ]
log_test "IPv6 neighbour discovery and router solicitation pass as plumbing (nd $nd, spoof $spoof)" $?
ktap_finish
