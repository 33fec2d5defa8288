#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Route marks steer traffic out of the right one of two uplinks, IPv4 and
# IPv6: forwarded traffic from a pod whose endpoint has a route mark (every
# packet of the flow, established ones too), and locally generated host
# traffic through a host endpoint "*" with a mark (re-routed at OUTPUT).
#
#   pod a 10.65.0.1 fd00:65::1 (mark 0x100000) --- cali-a \             / eth-u1 192.168.61.1 --- uplink u1 (192.168.61.2)
#                                                          host (se-h)                             203.0.113.10, 2001:db8:113::10 on lo
#   pod b 10.65.0.2 fd00:65::2 (no mark) --------- cali-b /             \ eth-u2 192.168.62.1 --- uplink u2 (192.168.62.2)
#                                                                                                  203.0.113.10, 2001:db8:113::10 on lo
#   host routes: main table 203.0.113.0/24, 2001:db8:113::/64 via u2;
#   table 100 the same via u1; ip rule fwmark 0x100000/0x100000 table 100.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/enforce.inc"
require_cmd strata-net stratactl ip rmmod insmod
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

topo_host && topo_ns a b u1 u2 || { log_test "namespaces" 1; ktap_finish; }
topo_pod a cali-a 10.65.0.1 fd00:65::1
topo_pod b cali-b 10.65.0.2 fd00:65::2
topo_remote u1 eth-u1 192.168.61 fd00:61
topo_remote u2 eth-u2 192.168.62 fd00:62
for u in u1 u2; do
	cat >>"$SE_TMP/$u.batch" <<-EOF
	addr add 203.0.113.10/32 dev lo
	addr add 2001:db8:113::10/128 dev lo nodad
	EOF
done
cat >>"$SE_TMP/host.batch" <<EOF
route add 203.0.113.0/24 via 192.168.62.2
route add 2001:db8:113::/64 via fd00:62::2
route add 203.0.113.0/24 via 192.168.61.2 table 100
route add 2001:db8:113::/64 via fd00:61::2 table 100
EOF
topo_up || { log_test "topology" 1; ktap_finish; }
ip -n "$H" -4 rule add fwmark 0x100000/0x100000 table 100 &&
	ip -n "$H" -6 rule add fwmark 0x100000/0x100000 table 100 ||
	log_test "ip rules" 1

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2
U4=203.0.113.10 U6=2001:db8:113::10

both()
{
	# shellcheck disable=SC2059
	printf "$1\n" "$2" "$3"
}

# cfg NAME MARK_A MARK_B MARK_HOST
cfg()
{
	cat >"$SE_TMP/$1.b" <<-EOF
	flush
	policy add id 90 name allow-all
	  ingress allow
	  egress allow
	endpoint add id 1 name pod-a workload iface cali-a addr $A4,$A6 mark $2 profiles 90
	endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 mark $3 profiles 90
	endpoint add id 3 name host-all host iface * mark $4 profiles 90
	EOF
}
cfg marks 0x100000 0 0
cfg swapped 0 0x100000 0
cfg hostmark 0 0 0x100000

net <<EOF
$(net_ns)
listen u1 tcp 80
listen u1 udp 80,9002
listen u1 icmp
listen u1 stream 9001
listen u2 tcp 80
listen u2 udp 80
listen u2 icmp
events on
timeout 900

@ a pod's route mark picks the uplink (a: 0x100000 -> u1; b: none -> u2)
sh stratactl batch $SE_TMP/marks.b
$(both "tcp a %s 80 => connected arrived=1 at=u1" $U4 $U6)
$(both "udp a %s 80 => reply arrived=1 at=u1" $U4 $U6)
$(both "icmp a %s => reply arrived=1 at=u1" $U4 $U6)
$(both "tcp b %s 80 => connected arrived=1 at=u2" $U4 $U6)
$(both "udp b %s 80 => reply arrived=1 at=u2" $U4 $U6)
$(both "icmp b %s => reply arrived=1 at=u2" $U4 $U6)
udp a $U4 80 as=ma
udp b $U6 80 as=mb
ev ma hook=pre verdict=allow mark=0x110000 ep_in=1 => n=1
ev mb hook=pre verdict=allow mark=0x10000 ep_in=2 => n=1
@ every packet of an established flow keeps the mark
tstream start t4 a $U4 9001 kbps=256
tstream start t6 a $U6 9001 kbps=256
uflow start f4 a $U4 9002 pps=50
uflow start f6 a $U6 9002 pps=50
sleep 1500
tstream stop t4 => ok
tstream stop t6 => ok
uflow stop f4 => ok
uflow stop f6 => ok
@ the mark follows the endpoint (a: none -> u2; b: 0x100000 -> u1)
sh stratactl batch $SE_TMP/swapped.b
$(both "tcp a %s 80 => connected arrived=1 at=u2" $U4 $U6)
$(both "udp a %s 80 => reply arrived=1 at=u2" $U4 $U6)
$(both "tcp b %s 80 => connected arrived=1 at=u1" $U4 $U6)
$(both "icmp b %s => reply arrived=1 at=u1" $U4 $U6)

@ host traffic through a host endpoint "*" without a mark -> u2
$(both "tcp host %s 80 => connected arrived=1 at=u2" $U4 $U6)
$(both "udp host %s 80 => reply arrived=1 at=u2" $U4 $U6)
@ host traffic through a host endpoint "*" with mark 0x100000 -> u1 (re-routed)
sh stratactl batch $SE_TMP/hostmark.b
$(both "tcp host %s 80 => connected arrived=1 at=u1" $U4 $U6)
$(both "udp host %s 80 => reply arrived=1 at=u1" $U4 $U6)
$(both "icmp host %s => reply arrived=1 at=u1" $U4 $U6)
udp host $U4 80 as=mh
ev mh hook=output verdict=allow mark=0x110000 s0.ep=3 s0.list=out => n=1
$(both "tcp a %s 80 => connected arrived=1 at=u2" $U4 $U6)
EOF

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
