#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Atomic updates under live traffic: 1,000 transactions, each replacing a
# policy the flows' endpoints use (with rules that never match the flows),
# adding or removing a member of a set that policy refers to, replacing an
# unrelated policy, and every tenth one re-addressing an unrelated pod (a
# conntrack flush), while
#   - numbered UDP datagrams, one way (so every one is a new flow that both
#     pods' programs evaluate), a -> b over IPv4 and IPv6 and r -> b,
#   - a TCP stream of pseudo-random bytes a -> b, checked byte by byte,
#   - a UDP request/reply flow r -> b (established)
# run. Nothing may be lost, duplicated or reordered; the counters of the
# rules that allow the datagrams must equal the datagrams sent (each
# evaluated exactly once per hook, whatever generation saw it).
#
#   pod a 10.65.0.1 fd00:65::1 --- cali-a \                 / eth-r --- remote r 192.168.50.2
#   pod b 10.65.0.2 fd00:65::2 --- cali-b -- host (se-h) --
#   pod c 10.65.0.3 (re-addressed) cali-c /
#
# The datagram rate is checked first without commits (baseline): it must
# lose nothing there, or the guest is too slow for this test's rate.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/enforce.inc"
require_cmd strata-net strata-probe stratactl ip rmmod insmod
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)
COMMITS=${COMMITS:-1000}
PPS=${PPS:-500}

topo_host && topo_ns a b c r || { log_test "namespaces" 1; ktap_finish; }
topo_pod a cali-a 10.65.0.1 fd00:65::1
topo_pod b cali-b 10.65.0.2 fd00:65::2
topo_pod c cali-c 10.65.0.3 fd00:65::3
topo_remote r eth-r 192.168.50 fd00:50
topo_up || { log_test "topology" 1; ktap_finish; }

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2

cat >"$SE_TMP/cfg.b" <<EOF
flush
tier add id 1 name t1
ipset add id 30 name churn4 family 4 kind addr
policy add id 10 name churn
  ingress deny proto udp dport 7000
policy add id 11 name flows
  ingress allow proto udp dport 9000
  ingress allow proto tcp dport 9001
  ingress allow proto udp dport 9002
  egress allow
policy add id 20 name unrelated
  ingress allow proto tcp dport 1
endpoint add id 1 name pod-a workload iface cali-a addr $A4,$A6 ingress tier 1 policies 10,11 egress tier 1 policies 10,11
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10,11 egress tier 1 policies 10,11
endpoint add id 3 name pod-c workload iface cali-c addr 10.65.0.3 profiles 20
EOF

# The transactions, as one strata-probe script (one process).
awk -v n="$COMMITS" 'BEGIN {
	for (i = 1; i <= n; i++) {
		print "begin"
		p = 7000 + i % 50
		printf "policy 10 name=churn in=deny,proto=udp,dst.ports=%d;deny,proto=tcp,dst.ports=%d-%d,cookie=%d;deny,src.sets=30;deny,proto=udp,dst.ports=9000,src.nets=10.99.0.0/16 out=deny,proto=udp,dst.ports=%d;deny,proto=tcp,dst.ports=9999 replace\n", p, p, p + 10, i, p
		k = int((i + 1) / 2)
		m = sprintf("10.99.%d.%d", int(k / 250), k % 250 + 1)
		if (i % 2) print "members add 30 " m; else print "members del 30 " m
		printf "policy 20 name=unrelated in=allow,proto=tcp,dst.ports=%d replace\n", i % 60000 + 1
		if (i % 10 == 0)
			printf "endpoint 3 name=pod-c kind=wl if=cali-c addrs=10.65.%d.3 profiles=20 replace\n", i % 20 == 0 ? 0 : 1
		print "commit"
	}
}' >"$SE_TMP/commits.probe"

cat >"$SE_TMP/commit.sh" <<EOF
#!/bin/sh
t=\$(date +%s%N)
strata-probe run <$SE_TMP/commits.probe
rc=\$?
echo "# $COMMITS transactions took \$(( (\$(date +%s%N) - t) / 1000000 )) ms"
exit \$rc
EOF
chmod +x "$SE_TMP/commit.sh"

net <<EOF
$(net_ns)
listen b seq 9000
listen b stream 9001
listen b udp 9002
sh stratactl batch $SE_TMP/cfg.b

@ baseline at $PPS datagrams/s per stream, no commits
useq start b4 a $B4 9000 pps=$PPS
useq start b6 a $B6 9000 pps=$PPS
useq start br r $B4 9000 pps=$PPS
sleep 2000
useq stop b4 => lost=0 reorder=0 dup=0
useq stop b6 => lost=0 reorder=0 dup=0
useq stop br => lost=0 reorder=0 dup=0

@ $COMMITS commits under traffic
ctr-reset
useq start s4 a $B4 9000 pps=$PPS
useq start s6 a $B6 9000 pps=$PPS
useq start sr r $B4 9000 pps=$PPS
tstream start t4 a $B4 9001 kbps=256
uflow start u6 r $B6 9002 pps=50
sleep 300
sh $SE_TMP/commit.sh => rc=0
sleep 300
useq stop s4 => lost=0 reorder=0 dup=0 sent>=1000
useq stop s6 => lost=0 reorder=0 dup=0 sent>=1000
useq stop sr => lost=0 reorder=0 dup=0 sent>=1000
tstream stop t4 => ok
uflow stop u6 => ok
stats => gen=$((COMMITS + 1))

@ each datagram was evaluated once per hook, by one generation
ctr rule 11 in 0 => flows=@s4.sent+s6.sent+sr.sent packets=@s4.sent+s6.sent+sr.sent
ctr rule 11 out 0 => flows=@s4.sent+s6.sent+1 packets=@s4.sent+s6.sent+1
ctr rule 11 in 1 => flows=1
ctr rule 11 in 2 => flows>=1
ctr tier 1 in 0 => flows=0
ctr tier 1 out 0 => flows=0
EOF

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
