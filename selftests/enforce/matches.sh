#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rule matches and actions on live traffic, IPv4 and IPv6: nets and
# not-nets, IP sets (addresses, networks, named ports) and live membership
# changes, port ranges, not-ports and source ports, ICMP type and code and
# their negations, protocol negation, reject (TCP RST; ICMP
# administratively prohibited for UDP and ICMP) on ingress and on egress,
# pod to pod and pod to and from a remote host.
#
#   pod a 10.65.0.1 fd00:65::1 --- cali-a \                      / eth-r 192.168.50.1/24 --- remote r
#   pod c 10.65.0.3 fd00:65::3 --- cali-c  > host (se-h) routes <    fd00:50::1/64           192.168.50.2
#   pod b 10.65.0.2 fd00:65::2 --- cali-b /                                                  fd00:50::2
#
# Pods a and c are clients, b and r run the servers. No host endpoints:
# forwarded traffic between the pods and r meets only workload policy.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/enforce.inc"
require_cmd strata-net stratactl ip rmmod insmod
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

topo_host && topo_ns a b c r || { log_test "namespaces" 1; ktap_finish; }
topo_pod a cali-a 10.65.0.1 fd00:65::1
topo_pod b cali-b 10.65.0.2 fd00:65::2
topo_pod c cali-c 10.65.0.3 fd00:65::3
topo_remote r eth-r 192.168.50 fd00:50
topo_up || { log_test "topology" 1; ktap_finish; }

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2
C4=10.65.0.3 C6=fd00:65::3 R4=192.168.50.2 R6=fd00:50::2

# The endpoints: a and c allow everything out unless a case says otherwise
# ($AEG: a's egress list); b's ingress is the case's tier 1 policy 10.
cfg()
{
	{
		cat <<-EOF
		flush
		tier add id 1 name t1
		policy add id 90 name allow-all
		  ingress allow
		  egress allow
		policy add id 91 name egress-only
		  egress allow
		EOF
		cat
		cat <<-EOF
		endpoint add id 1 name pod-a workload iface cali-a addr $A4,$A6 ${AEG:-} profiles 90
		endpoint add id 3 name pod-c workload iface cali-c addr $C4,$C6 profiles 90
		endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ${BIN-ingress tier 1 policies 10} profiles 91
		EOF
	} >"$SE_TMP/$1.b"
	AEG=
}

# both FORMAT V4 V6: the line for each family
both()
{
	# shellcheck disable=SC2059
	printf "$1\n" "$2" "$3"
}

# 1. nets, not-nets (b's ingress on the source, a's egress on the
#    destination)
AEG="egress tier 1 policies 11" cfg nets <<EOF
policy add id 10 name nets
  ingress allow src-net 10.65.0.0/31,fd00:65::/127
  ingress allow src-not-net 10.65.0.0/16,fd00:65::/64
policy add id 11 name not-pods
  egress deny dst-not-net 10.65.0.0/16,fd00:65::/64
  egress allow
EOF

# 2. IP sets: addresses and networks (one set per family), then a member
#    added live; named ports (address+port sets) by destination.
cfg sets <<EOF
ipset add id 20 name a-addr4 family 4 kind addr members $A4
ipset add id 21 name a-addr6 family 6 kind addr members $A6
ipset add id 22 name remote-net4 family 4 kind net members 192.168.50.0/24
ipset add id 23 name remote-net6 family 6 kind net members fd00:50::/64
ipset add id 24 name named-port4 family 4 kind addr-port members tcp:8080@$B4,udp:8080@$B4
ipset add id 25 name named-port6 family 6 kind addr-port members tcp:8080@$B6,udp:8080@$B6
policy add id 10 name sets
  ingress allow proto tcp dport 80 src-set 20
  ingress allow proto tcp dport 80 src-set 21
  ingress allow proto udp dport 80 src-set 20
  ingress allow proto udp dport 80 src-set 21
  ingress allow src-set 22
  ingress allow src-set 23
  ingress allow proto tcp dst-port-set 24,25
  ingress allow proto udp dst-port-set 24,25
EOF
cat >"$SE_TMP/members.b" <<EOF
ipset add-members id 20 members $C4
ipset add-members id 21 members $C6
EOF
AEG="egress tier 1 policies 11" cfg notsets <<EOF
ipset add id 26 name b4 family 4 kind addr members $B4
ipset add id 27 name b6 family 6 kind addr members $B6
policy add id 10 name allow-all-in
  ingress allow
policy add id 11 name only-to-b
  egress deny ip-version 4 dst-not-set 26
  egress deny ip-version 6 dst-not-set 27
  egress allow
EOF

# 3. ports: a range, not-ports, source ports
cfg ports <<EOF
policy add id 10 name ports
  ingress allow proto tcp dport 8000:8010
  ingress allow proto udp dport 8000:8010
  ingress allow proto tcp dst-not-port 0:9000
  ingress allow proto udp sport 5353
EOF

# 4. ICMP type and code, and their negations
cfg icmp <<EOF
policy add id 10 name icmp-types
  ingress allow proto icmp icmp-type 8 icmp-code 0
  ingress allow proto icmp icmp-type 13
  ingress allow proto icmpv6 icmp-type 128 icmp-code 0
EOF
cfg noticmp <<EOF
policy add id 10 name not-icmp-types
  ingress allow proto icmp not-icmp-type 13
  ingress allow proto icmpv6 not-icmp-type 139
EOF
cfg noticmpcode <<EOF
policy add id 10 name not-icmp-code
  ingress allow proto icmp not-icmp-type 8 not-icmp-code 1
  ingress allow proto icmpv6 not-icmp-type 128 not-icmp-code 1
EOF

# 5. protocol negation
cfg notproto <<EOF
policy add id 10 name not-udp
  ingress allow not-proto udp
EOF

# 6. reject on b's ingress (FORWARD) and on a's egress (PREROUTING)
cfg rejectin <<EOF
policy add id 10 name reject-in
  ingress reject proto tcp dport 80
  ingress reject proto udp dport 80
  ingress reject proto icmp
  ingress reject proto icmpv6
  ingress allow
EOF
AEG="egress tier 1 policies 11" cfg rejectout <<EOF
policy add id 10 name allow-in
  ingress allow
policy add id 11 name reject-out
  egress reject proto tcp dport 80
  egress reject proto udp dport 80
  egress reject proto icmp
  egress reject proto icmpv6
  egress allow
EOF

# 7. pod to remote host (a's egress) and remote host to pod (b's ingress)
AEG="egress tier 1 policies 11" cfg remote <<EOF
policy add id 10 name from-remote
  ingress allow proto tcp dport 80 src-net 192.168.50.0/24,fd00:50::/64
  ingress allow proto icmp
  ingress allow proto icmpv6
policy add id 11 name to-remote
  egress allow proto udp dport 80 dst-net 192.168.50.2/32,fd00:50::2/128
  egress allow proto icmp dst-net 192.168.50.2/32
  egress allow proto icmpv6 dst-net fd00:50::2/128
EOF

net <<EOF
$(net_ns)
listen b tcp 80-81,7999-8000,8010-8011,8080-8081,9001
listen b udp 80-81,7999-8000,8010-8011,8080-8081,9001
listen b icmp
listen r tcp 80
listen r udp 80
listen r icmp
timeout 900

@ nets and not-nets
sh stratactl batch $SE_TMP/nets.b
$(both "tcp a %s 80 => connected arrived=1" $B4 $B6)
$(both "udp a %s 80 => reply arrived=1" $B4 $B6)
$(both "tcp c %s 80 => timeout arrived=0" $B4 $B6)
$(both "udp c %s 80 => timeout arrived=0" $B4 $B6)
$(both "icmp c %s => timeout arrived=0" $B4 $B6)
$(both "tcp r %s 80 => connected arrived=1" $B4 $B6)
$(both "icmp r %s => reply arrived=1" $B4 $B6)
$(both "tcp a %s 80 => timeout arrived=0" $R4 $R6)
$(both "icmp a %s => timeout arrived=0" $R4 $R6)
$(both "tcp c %s 80 => connected arrived=1" $R4 $R6)

@ IP sets: addresses and networks
sh stratactl batch $SE_TMP/sets.b
$(both "tcp a %s 80 => connected arrived=1" $B4 $B6)
$(both "udp a %s 80 => reply arrived=1" $B4 $B6)
$(both "tcp a %s 81 => timeout arrived=0" $B4 $B6)
$(both "tcp c %s 80 => timeout arrived=0" $B4 $B6)
$(both "udp c %s 80 => timeout arrived=0" $B4 $B6)
$(both "tcp r %s 81 => connected arrived=1" $B4 $B6)
$(both "icmp r %s => reply arrived=1" $B4 $B6)
@ IP sets: named ports
$(both "tcp c %s 8080 => connected arrived=1" $B4 $B6)
$(both "udp c %s 8080 => reply arrived=1" $B4 $B6)
$(both "tcp c %s 8081 => timeout arrived=0" $B4 $B6)
$(both "udp c %s 8081 => timeout arrived=0" $B4 $B6)
@ IP sets: members added to a live set
sh stratactl batch $SE_TMP/members.b
$(both "tcp c %s 80 => connected arrived=1" $B4 $B6)
$(both "udp c %s 80 => reply arrived=1" $B4 $B6)
$(both "tcp c %s 81 => timeout arrived=0" $B4 $B6)
@ IP sets: not-sets
sh stratactl batch $SE_TMP/notsets.b
$(both "tcp a %s 80 => connected arrived=1" $B4 $B6)
$(both "tcp a %s 80 => timeout arrived=0" $R4 $R6)
$(both "udp a %s 80 => timeout arrived=0" $R4 $R6)

@ port ranges, not-ports, source ports
sh stratactl batch $SE_TMP/ports.b
$(both "tcp a %s 8000 => connected arrived=1" $B4 $B6)
$(both "udp a %s 8000 => reply arrived=1" $B4 $B6)
$(both "tcp a %s 8010 => connected arrived=1" $B4 $B6)
$(both "udp a %s 8010 => reply arrived=1" $B4 $B6)
$(both "tcp a %s 7999 => timeout arrived=0" $B4 $B6)
$(both "udp a %s 7999 => timeout arrived=0" $B4 $B6)
$(both "tcp a %s 8011 => timeout arrived=0" $B4 $B6)
$(both "udp a %s 8011 => timeout arrived=0" $B4 $B6)
$(both "tcp a %s 9001 => connected arrived=1" $B4 $B6)
$(both "udp a %s 9001 => timeout arrived=0" $B4 $B6)
$(both "udp a %s 7999 sport=5353 => reply arrived=1" $B4 $B6)
$(both "udp a %s 81 sport=5354 => timeout arrived=0" $B4 $B6)

@ ICMP type and code
sh stratactl batch $SE_TMP/icmp.b
icmp a $B4 type=8 code=0 => reply arrived=1
icmp a $B4 type=8 code=1 => timeout arrived=0
icmp a $B4 type=13 => reply arrived=1
icmp a $B6 type=128 code=0 => reply arrived=1
icmp a $B6 type=128 code=1 => timeout arrived=0
icmp a $B6 type=139 => timeout arrived=0
@ not-icmp-type
sh stratactl batch $SE_TMP/noticmp.b
icmp a $B4 type=8 => reply arrived=1
icmp a $B4 type=13 => timeout arrived=0
icmp a $B6 type=128 => reply arrived=1
icmp a $B6 type=139 => timeout arrived=0
@ not-icmp-type with not-icmp-code
sh stratactl batch $SE_TMP/noticmpcode.b
icmp a $B4 type=8 code=0 => reply arrived=1
icmp a $B4 type=8 code=1 => timeout arrived=0
icmp a $B4 type=13 => reply arrived=1
icmp a $B6 type=128 code=0 => reply arrived=1
icmp a $B6 type=128 code=1 => timeout arrived=0
icmp a $B6 type=139 code=1 => timeout arrived=1

@ protocol negation
sh stratactl batch $SE_TMP/notproto.b
$(both "tcp a %s 80 => connected arrived=1" $B4 $B6)
$(both "icmp a %s => reply arrived=1" $B4 $B6)
$(both "udp a %s 80 => timeout arrived=0" $B4 $B6)

@ reject on ingress (FORWARD)
sh stratactl batch $SE_TMP/rejectin.b
$(both "tcp a %s 80 => refused fast arrived=0" $B4 $B6)
udp a $B4 80 => unreach icmp=3/13 fast arrived=0
udp a $B6 80 => unreach icmp=1/1 fast arrived=0
icmp a $B4 => unreach icmp=3/13 fast arrived=0
icmp a $B6 => unreach icmp=1/1 fast arrived=0
$(both "tcp a %s 81 => connected arrived=1" $B4 $B6)
$(both "udp r %s 80 => unreach fast arrived=0" $B4 $B6)
@ reject on egress (PREROUTING)
sh stratactl batch $SE_TMP/rejectout.b
$(both "tcp a %s 80 => refused fast arrived=0" $B4 $B6)
udp a $B4 80 => unreach icmp=3/13 fast arrived=0
udp a $B6 80 => unreach icmp=1/1 fast arrived=0
icmp a $B4 => unreach icmp=3/13 fast arrived=0
icmp a $B6 => unreach icmp=1/1 fast arrived=0
$(both "tcp a %s 80 => refused fast arrived=0" $R4 $R6)
$(both "udp a %s 81 => reply arrived=1" $B4 $B6)

@ pod to remote host, remote host to pod
sh stratactl batch $SE_TMP/remote.b
$(both "udp a %s 80 => reply arrived=1 at=r" $R4 $R6)
$(both "icmp a %s => reply arrived=1" $R4 $R6)
$(both "tcp a %s 80 => timeout arrived=0" $R4 $R6)
$(both "udp a %s 80 => timeout arrived=0" $B4 $B6)
$(both "tcp r %s 80 => connected arrived=1 at=b" $B4 $B6)
$(both "icmp r %s => reply arrived=1" $B4 $B6)
$(both "udp r %s 80 => timeout arrived=0" $B4 $B6)
$(both "tcp c %s 80 => timeout arrived=0" $B4 $B6)
EOF

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
