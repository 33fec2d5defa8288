#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet shapes and paths around the policy: fragmented datagrams (judged
# once, reassembled, by their ports), IPv6 extension headers before the
# transport header, related ICMP errors and TCP resets reaching a client
# through a server that may send nothing new, conntrack-invalid packets
# (dropped, or judged by policy when the setting says so), VXLAN from
# workloads (dropped
# unless allowed, on the configured port), and the flow-event and log-line
# rate limits (traffic never waits for them; what they drop is counted).
#
#   pod a 10.65.0.1 fd00:65::1 --- cali-a \
#                                          host (se-h)
#   pod b 10.65.0.2 fd00:65::2 --- cali-b /
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/enforce.inc"
require_cmd strata-net stratactl ip rmmod insmod
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

topo_host && topo_ns a b || { log_test "namespaces" 1; ktap_finish; }
topo_pod a cali-a 10.65.0.1 fd00:65::1
topo_pod b cali-b 10.65.0.2 fd00:65::2
topo_up || { log_test "topology" 1; ktap_finish; }

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2

both()
{
	# shellcheck disable=SC2059
	printf "$1\n" "$2" "$3"
}

# a: egress denies udp 82 and 83, allows the rest. b: ingress allows udp
# 80 and 4789-4790, tcp 80, udp/tcp 9 (closed ports) and ICMP; b's egress
# allows nothing (no policy, no profile: no-match deny).
cat >"$SE_TMP/cfg.b" <<EOF
flush
tier add id 1 name t1
policy add id 10 name a-out
  egress deny proto udp dport 82:83
  egress allow
policy add id 11 name b-in
  ingress log proto udp dport 7000
  ingress allow proto udp dport 80
  ingress allow proto udp dport 4789:4790
  ingress allow proto tcp dport 80
  ingress allow proto udp dport 9
  ingress allow proto tcp dport 9
  ingress allow proto udp dport 7000
endpoint add id 1 name pod-a workload iface cali-a addr $A4,$A6 egress tier 1 policies 10
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 11
EOF

rep()
{
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		echo "$*"
		n=$((n - 1))
	done
}

net <<EOF
$(net_ns)
listen b udp 80-83,4789-4790,7000
listen b tcp 80
listen b rawtcp
listen a tcp 80
events on
timeout 900
sh stratactl batch $SE_TMP/cfg.b

@ fragmented datagrams are judged once, reassembled, by their ports
udp a $B4 80 size=3000 as=fr4 => reply arrived=1
udp a $B6 80 size=3000 as=fr6 => reply arrived=1
$(both "udp a %s 81 size=3000 => timeout arrived=0" $B4 $B6)
$(both "udp a %s 82 size=3000 => timeout arrived=0" $B4 $B6)
ev fr4 hook=pre verdict=allow dport=80 len=3028 => n=1
ev fr4 hook=forward verdict=allow dport=80 len=3028 s0.rule=1 => n=1
ev fr6 hook=forward verdict=allow dport=80 s0.rule=1 => n=1
ev fr6 => n=2

@ IPv6 destination options before UDP
udp a $B6 80 dstopt as=do1 => reply arrived=1
udp a $B6 81 dstopt as=do2 => timeout arrived=0
udp a $B6 83 dstopt as=do3 => timeout arrived=0
ev do1 hook=forward verdict=allow proto=17 dport=80 s0.rule=1 => n=1
ev do2 hook=forward verdict=deny proto=17 dport=81 s0.kind=tier => n=1
ev do3 hook=pre verdict=deny proto=17 dport=83 s0.rule=0 => n=1

@ a pod's own namespace keeps its stack: Strata decides nothing there, no conntrack
udp a $B6 80 dstopt size=3000 => reply arrived=1
udp a $B4 80 size=3000 => reply arrived=1
sh ip netns exec se-b conntrack -L 2>/dev/null | grep -q . => rc=1
sh ip netns exec se-a conntrack -L 2>/dev/null | grep -q . => rc=1
sh conntrack -L 2>/dev/null | grep -q 'dport=80 ' => rc=0

@ related errors and resets reach the client; the server sends nothing new
udp a $B4 9 => refused icmp=3/3 fast arrived=0
udp a $B6 9 => refused icmp=1/4 fast arrived=0
$(both "tcp a %s 9 => refused fast arrived=0" $B4 $B6)
$(both "udp a %s 80 => reply arrived=1" $B4 $B6)
$(both "tcp a %s 80 => connected arrived=1" $B4 $B6)
$(both "tcp b %s 80 => timeout arrived=0" $A4 $A6)

@ conntrack-invalid packets from a workload are dropped (a bare ACK, tcp_loose off)
tcpack a $B4 80 as=inv4 => timeout arrived=0
tcpack a $B6 80 as=inv6 => timeout arrived=0
ev inv4 hook=pre verdict=deny reason=invalid steps=0 => n=1
ev inv6 hook=pre verdict=deny reason=invalid steps=0 => n=1
@ with ct-invalid-drop off, policy decides them
sh stratactl settings set ct-invalid-drop off
tcpack a $B4 80 as=inv4b => timeout arrived=1 at=b
tcpack a $B6 80 => timeout arrived=1 at=b
tcpack a $B4 81 => timeout arrived=0
ev inv4b hook=forward verdict=allow s0.rule=3 => n=1
sh stratactl settings set ct-invalid-drop on

@ VXLAN from a workload is dropped unless allowed
udp a $B4 4789 as=vx4 => timeout arrived=0
udp a $B6 4789 => timeout arrived=0
$(both "udp a %s 4790 => reply arrived=1" $B4 $B6)
ev vx4 hook=pre verdict=deny reason=tunnel steps=0 => n=1
sh stratactl settings set vxlan-port 4790
$(both "udp a %s 4789 => reply arrived=1" $B4 $B6)
$(both "udp a %s 4790 => timeout arrived=0" $B4 $B6)
sh stratactl settings set allow-vxlan on
$(both "udp a %s 4790 => reply arrived=1" $B4 $B6)

@ flow events beyond the rate limit are dropped and counted; traffic is not held up
sh stratactl settings set flow-rate 5 flow-burst 5
stats snap
$(rep 15 "udp a $B4 80 => reply arrived=1")
$(rep 15 "udp a $B6 80 => reply arrived=1")
dstats => flow_events<=20 flow_events_lost>=40
sh stratactl settings set flow-rate 10000 flow-burst 20000
@ log lines beyond the rate limit are dropped and counted
sh stratactl settings set log-rate 2 log-burst 2
stats snap
$(rep 10 "udp a $B4 7000 => reply arrived=1")
$(rep 10 "udp a $B6 7000 => reply arrived=1")
dstats => log_lines<=6 log_lines_lost>=14
EOF

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
