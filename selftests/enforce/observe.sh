#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Counters and flow events against known traffic, IPv4 and IPv6: N new
# flows of each kind give exactly N flows and N packets (and their bytes) on
# the rule, tier default, profile end or no-match action that decided (and
# on a log rule on the way); established packets are not evaluated; each new
# flow gives one flow event per hook that decided it, with its 5-tuple,
# interfaces, endpoints, marks, verdict, tier, policy, rule and cookie.
#
#   pod a 10.65.0.1 fd00:65::1 --- cali-a \                              / eth-r --- remote r
#                                          host (se-h), no host endpoint    192.168.50.2
#   pod b 10.65.0.2 fd00:65::2 --- cali-b /                                 fd00:50::2
#
# a's egress: profile 90 (allow). b's ingress: tier 1 policy 10:
#   0 allow tcp 80 (cookie 0x1001)   1 allow udp 80 (cookie 0x1002)
#   2 log icmp   3 allow icmp   4 allow icmpv6   5 reject tcp 81
#   6 allow udp 82   then tier 1's default (deny)
# b's egress: profile 92 (no rules), then the no-match action (deny).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/enforce.inc"
require_cmd strata-net stratactl ip rmmod insmod
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

topo_host && topo_ns a b r || { log_test "namespaces" 1; ktap_finish; }
topo_pod a cali-a 10.65.0.1 fd00:65::1
topo_pod b cali-b 10.65.0.2 fd00:65::2
topo_remote r eth-r 192.168.50 fd00:50
topo_up || { log_test "topology" 1; ktap_finish; }

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2 R4=192.168.50.2

cat >"$SE_TMP/cfg.b" <<EOF
tier add id 1 name t-obs
policy add id 90 name allow-all
  ingress allow
  egress allow
policy add id 92 name no-rules
policy add id 10 name b-in
  ingress allow proto tcp dport 80 cookie 0x1001
  ingress allow proto udp dport 80 cookie 0x1002
  ingress log proto icmp
  ingress allow proto icmp
  ingress allow proto icmpv6
  ingress reject proto tcp dport 81
  ingress allow proto udp dport 82
endpoint add id 1 name pod-a workload iface cali-a addr $A4,$A6 profiles 90
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10 profiles 92
EOF
cat >"$SE_TMP/replace.b" <<EOF
policy replace id 10 name b-in
  ingress allow proto tcp dport 80 cookie 0x1001
  ingress allow proto udp dport 80 cookie 0x1002
EOF

# rep N LINE: N copies
rep()
{
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		echo "$*"
		n=$((n - 1))
	done
}

# Expected, per the traffic below (SYN: 20+40 / 40+40 bytes, UDP probe:
# 28+21 / 48+21, ICMP probe: 20+20 / 40+20, sequence datagram: 28+64):
#   rule 0: 5+5 TCP SYNs, 5*60 + 5*80 = 700 bytes
#   rule 1: 3+3 UDP, 3*49 + 3*69 = 354
#   rules 2, 3: 3 ICMP (120); rule 4: 3 ICMPv6 (180)
#   rule 5: 2 SYNs (140); tier default: 2+2 UDP (236); rule 6: 50 (4600)
#   a's egress (profile 90 rule 0): all of them, 78 flows, 6330 bytes
#   b's egress: 2 UDP to r: profile 92's end and the no-match action
net <<EOF
$(net_ns)
listen b tcp 80-81
listen b udp 80-81
listen b seq 82
listen b icmp
listen r udp 80
events on
timeout 900
sh stratactl batch $SE_TMP/cfg.b
stats snap
sh stratactl monitor config flows >$SE_TMP/mon.txt 2>&1 & echo \$! >$SE_TMP/mon.pid
sh for i in \$(seq 200); do stratactl ipset add id 999 name probe family 4 kind addr && stratactl ipset del id 999 || exit 2; grep -q '^commit generation' $SE_TMP/mon.txt && exit 0; sleep 0.05; done; exit 1 => rc=0

@ traffic
$(rep 4 "tcp a $B4 80 => connected arrived=1")
$(rep 5 "tcp a $B6 80 => connected arrived=1")
tcp a $B4 80 as=t4 => connected arrived=1
$(rep 2 "udp a $B4 80 => reply arrived=1")
$(rep 3 "udp a $B6 80 => reply arrived=1")
udp a $B4 80 as=u4 => reply arrived=1
$(rep 3 "icmp a $B4 => reply arrived=1")
$(rep 3 "icmp a $B6 => reply arrived=1")
tcp a $B4 81 as=rj => refused arrived=0
tcp a $B6 81 => refused arrived=0
udp a $B4 81 as=td4 => timeout arrived=0
udp a $B4 81 => timeout arrived=0
udp a $B6 81 as=td6 => timeout arrived=0
udp a $B6 81 => timeout arrived=0
udp b $R4 80 as=nm => timeout arrived=0
udp b $R4 80 => timeout arrived=0
useq start s82 a $B4 82 pps=500 count=50
sleep 300
useq stop s82 => sent=50 recv=50 lost=0

@ counters equal the flows and packets evaluated
ctr rule 10 in 0 => flows=10 packets=10 bytes=700
ctr rule 10 in 1 => flows=6 packets=6 bytes=354
ctr rule 10 in 2 => flows=3 packets=3 bytes=120
ctr rule 10 in 3 => flows=3 packets=3 bytes=120
ctr rule 10 in 4 => flows=3 packets=3 bytes=180
ctr rule 10 in 5 => flows=2 packets=2 bytes=140
ctr rule 10 in 6 => flows=50 packets=50 bytes=4600
ctr tier 1 in 0 => flows=4 packets=4 bytes=236
ctr rule 90 out 0 => flows=78 packets=78 bytes=6330
ctr rule 90 in 0 => flows=0 packets=0
ctr profile 92 out 0 => flows=2 packets=2 bytes=98
ctr nomatch 2 out 0 => flows=2 packets=2 bytes=98
ctr nomatch 2 in 0 => flows=0
ctr profile 92 in 0 => flows=0
dstats => evaluations=158 flow_events_lost=0 r.policy=158

@ stratactl counters and monitor agree
sh kill \$(cat $SE_TMP/mon.pid)
sh stratactl counters show policy 10 | grep -qx 'policy 10 (b-in) ingress rule 0 flows 10 packets 10 bytes 700' => rc=0
sh stratactl counters show policy 10 | grep -qx 'policy 10 (b-in) ingress rule 6 flows 50 packets 50 bytes 4600' => rc=0
sh stratactl counters show tier 1 | grep -qx 'tier 1 (t-obs) ingress default flows 4 packets 4 bytes 236' => rc=0
sh test \$(grep -c 'allow reason policy hook forward tcp 10.65.0.1:[0-9]* -> 10.65.0.2:80 ' $SE_TMP/mon.txt) -eq 5 => rc=0
sh test \$(grep -c 'deny reason policy hook forward udp 10.65.0.1:[0-9]* -> 10.65.0.2:81 ' $SE_TMP/mon.txt) -eq 2 => rc=0
sh test \$(grep -c 'reject reason policy hook forward tcp \\[fd00:65::1\\]:[0-9]* -> \\[fd00:65::2\\]:81 ' $SE_TMP/mon.txt) -eq 1 => rc=0
sh test \$(grep -c 'step endpoint 2 (pod-b) ingress allow by rule tier 1 (t-obs) policy 10 (b-in) rule 0 cookie 0x1001' $SE_TMP/mon.txt) -eq 10 => rc=0

@ flow events match the traffic
ev t4 => n=2
ev t4 hook=pre verdict=allow reason=policy fam=4 proto=6 src=$A4 dst=$B4 dport=80 iif=cali-a oif=- ep_in=1 ep_out=0 mark=0x10000 len=60 s0.ep=1 s0.list=out s0.action=allow s0.kind=rule s0.tier=0 s0.policy=90 s0.rule=0 steps=1 => n=1
ev t4 hook=forward verdict=allow reason=policy fam=4 proto=6 src=$A4 dst=$B4 dport=80 iif=cali-a oif=cali-b ep_in=1 ep_out=2 mark=0x10000 s0.ep=2 s0.list=in s0.action=allow s0.kind=rule s0.tier=1 s0.policy=10 s0.rule=0 s0.cookie=4097 s0.passes=0 steps=1 => n=1
ev u4 => n=2
ev u4 hook=forward verdict=allow fam=4 proto=17 src=$A4 dst=$B4 dport=80 len=49 s0.policy=10 s0.rule=1 s0.cookie=4098 => n=1
ev rj => n=2
ev rj hook=forward verdict=reject fam=4 proto=6 dst=$B4 dport=81 s0.action=reject s0.rule=5 => n=1
ev td4 hook=forward verdict=deny dst=$B4 dport=81 s0.action=deny s0.kind=tier s0.tier=1 s0.policy=0 => n=1
ev td6 hook=forward verdict=deny fam=6 dst=$B6 dport=81 s0.kind=tier s0.tier=1 => n=1
ev nm => n=1
ev nm hook=pre verdict=deny src=$B4 dst=$R4 dport=80 iif=cali-b ep_in=2 s0.ep=2 s0.list=out s0.kind=nomatch s0.passes=1 => n=1
events clear
icmp a $B4 as=i4 => reply arrived=1
icmp a $B6 as=i6 => reply arrived=1
tcp a $B6 80 as=t6 => connected arrived=1
ev i4 => n=2
ev i4 hook=forward verdict=allow logged fam=4 proto=1 type=8 code=0 s0.rule=3 s0.logs=1/10/2 => n=1
ev i6 hook=forward verdict=allow fam=6 proto=58 type=128 code=0 s0.rule=4 => n=1
ev t6 hook=pre verdict=allow fam=6 proto=6 src=$A6 dst=$B6 dport=80 len=80 mark=0x10000 s0.policy=90 => n=1
ev t6 hook=forward verdict=allow fam=6 src=$A6 dst=$B6 dport=80 ep_out=2 s0.cookie=4097 => n=1

@ counters of a replaced policy start from zero; RESET_COUNTERS zeroes all
sh stratactl batch $SE_TMP/replace.b
ctr rule 10 in 0 => flows=0 packets=0 bytes=0
ctr rule 90 out 0 => flows>=80
ctr-reset
ctr rule 90 out 0 => flows=0 packets=0 bytes=0
ctr tier 1 in 0 => flows=0
tcp a $B4 80 => connected arrived=1
ctr rule 10 in 0 => flows=1 packets=1 bytes=60
ctr rule 90 out 0 => flows=1 packets=1 bytes=60
EOF

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
