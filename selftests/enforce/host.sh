#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host endpoints on live traffic, IPv4 and IPv6: ingress (INPUT) and egress
# (OUTPUT) policy of a named interface and of "*", forward policy (and the
# default allow without it), failsafe ports (and their peer restriction),
# pre-DNAT policy with a real nftables DNAT to a pod, untracked policy
# (allowed packets leave no conntrack entry), workload-to-host and
# host-to-workload.
#
#   remote r (se-r) 192.168.50.2 fd00:50::2 --- eth-r 192.168.50.1 \
#                                                fd00:50::1         \
#                                                                   host (se-h) --- cali-b --- pod b 10.65.0.2
#   remote s (se-s) 192.168.51.2 fd00:51::2 --- eth-s 192.168.51.1  /    servers      routes     fd00:65::2
#                                                fd00:51::1         /
#   nftables on the host: tcp to eth-r's addresses, ports 8080-8082,
#   DNAT to pod b port 80; a floating address 192.168.50.100, fd00:50::100
#   (on eth-r), DNAT to pod b (every protocol).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/enforce.inc"
require_cmd strata-net stratactl ip nft conntrack rmmod insmod
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

topo_host && topo_ns b r s || { log_test "namespaces" 1; ktap_finish; }
topo_pod b cali-b 10.65.0.2 fd00:65::2
topo_remote r eth-r 192.168.50 fd00:50
topo_remote s eth-s 192.168.51 fd00:51
cat >>"$SE_TMP/host.batch" <<EOF
addr add 192.168.50.100/32 dev eth-r
addr add fd00:50::100/128 dev eth-r nodad
EOF
cat >>"$SE_TMP/r.batch" <<EOF
neigh replace 192.168.50.100 lladdr 02:5e:00:00:01:01 dev eth0 nud permanent
neigh replace fd00:50::100 lladdr 02:5e:00:00:01:01 dev eth0 nud permanent
EOF
topo_up || { log_test "topology" 1; ktap_finish; }
hx nft -f - <<'EOF' || log_test "nftables DNAT rules" 1
table ip se-nat {
	chain pre {
		type nat hook prerouting priority -100; policy accept;
		iifname "eth-r" ip daddr 192.168.50.1 tcp dport 8080-8082 dnat to 10.65.0.2:80
		iifname "eth-r" ip daddr 192.168.50.100 dnat to 10.65.0.2
	}
}
table ip6 se-nat {
	chain pre {
		type nat hook prerouting priority -100; policy accept;
		iifname "eth-r" ip6 daddr fd00:50::1 tcp dport 8080-8082 dnat to [fd00:65::2]:80
		iifname "eth-r" ip6 daddr fd00:50::100 dnat to fd00:65::2
	}
}
EOF

B4=10.65.0.2 B6=fd00:65::2 R4=192.168.50.2 R6=fd00:50::2 S4=192.168.51.2
S6=fd00:51::2 HR4=192.168.50.1 HR6=fd00:50::1 HS4=192.168.51.1 HS6=fd00:51::1
FIP4=192.168.50.100 FIP6=fd00:50::100

both()
{
	# shellcheck disable=SC2059
	printf "$1\n" "$2" "$3"
}

# cfg NAME: flush, the shared objects, then the case (stdin).
cfg()
{
	{
		cat <<-EOF
		flush
		tier add id 1 name t-host
		policy add id 90 name allow-all
		  ingress allow
		  egress allow
		EOF
		cat
	} >"$SE_TMP/$1.b"
}

# 1. A host endpoint's ingress (INPUT) and egress (OUTPUT); eth-s has
#    none, so host traffic there is not Strata's business.
cfg hep <<EOF
policy add id 20 name hep-in
  ingress allow proto tcp dport 80
  ingress allow proto icmp
policy add id 21 name hep-out
  egress allow proto tcp dport 80
  egress allow proto icmpv6
endpoint add id 10 name hep-r host iface eth-r ingress tier 1 policies 20 egress tier 1 policies 21
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 profiles 90
EOF

# 1b. Reject in a host endpoint's ingress (INPUT) and egress (OUTPUT).
cfg hepreject <<EOF
policy add id 20 name hep-in-reject
  ingress reject proto tcp dport 81
  ingress reject proto udp dport 80
  ingress reject proto icmp
  ingress reject proto icmpv6
  ingress allow
policy add id 21 name hep-out-reject
  egress reject proto tcp dport 81
  egress reject proto udp dport 80
  egress allow
endpoint add id 10 name hep-r host iface eth-r ingress tier 1 policies 20 egress tier 1 policies 21
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 profiles 90
EOF

# 2. Forward policy: none on a host endpoint that has normal policy
#    (default allow); then forward-ingress on eth-r and forward-egress on
#    eth-s, and a "*" host endpoint's forward-egress for pod traffic.
cfg fwdnone <<EOF
policy add id 20 name deny-all
  ingress deny
  egress deny
endpoint add id 10 name hep-r host iface eth-r ingress tier 1 policies 20 egress tier 1 policies 20
endpoint add id 11 name hep-s host iface eth-s ingress tier 1 policies 20 egress tier 1 policies 20
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 profiles 90
EOF
cfg fwd <<EOF
policy add id 22 name fwd-in
  ingress deny proto tcp dport 81
  ingress allow
policy add id 23 name fwd-out
  egress deny proto udp dport 80
  egress allow
endpoint add id 10 name hep-r host iface eth-r forward-ingress tier 1 policies 22
endpoint add id 11 name hep-s host iface eth-s forward-egress tier 1 policies 23
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 profiles 90
EOF
cfg fwdstar <<EOF
policy add id 23 name fwd-out
  egress deny proto tcp dport 81
  egress deny proto icmp
  egress deny proto icmpv6
  egress allow
endpoint add id 12 name hep-all host iface * forward-egress tier 1 policies 23
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 profiles 90
EOF

# 3. Failsafe ports under a "*" host endpoint that denies everything, then
#    inbound tcp 22 restricted to eth-s's network.
cfg failsafe <<EOF
policy add id 20 name deny-all
  ingress deny
  egress deny
endpoint add id 12 name hep-all host iface * ingress tier 1 policies 20 egress tier 1 policies 20
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 profiles 90
EOF
cat >"$SE_TMP/failsafe-net.b" <<EOF
settings set failsafe-in tcp:22@192.168.51.0/24,tcp:22@fd00:51::/64
EOF

# 4. Pre-DNAT: eth-r's pre-DNAT policy sees the original destination
#    (the host's address, ports 8080-8082), pod b's ingress the real one
#    (b, port 80). 8082 matches no pre-DNAT rule: no default drop there.
cfg prednat <<EOF
policy add id 24 name prednat
  ingress deny proto tcp dst-net $B4/32,$B6/128
  ingress deny proto tcp dport 8081
  ingress allow proto tcp dport 8080 dst-net $HR4/32,$HR6/128
  ingress deny proto udp dst-net $B4/32,$B6/128
  ingress allow proto udp dst-net $FIP4/32,$FIP6/128
  ingress allow proto icmp dst-net $FIP4/32
  ingress allow proto icmpv6 dst-net $FIP6/128
policy add id 25 name b-in
  ingress deny proto tcp dport 8080:8082
  ingress allow proto tcp dport 80 dst-net $B4/32,$B6/128
  ingress allow proto udp dport 80 dst-net $B4/32,$B6/128
  ingress allow proto icmp dst-net $B4/32
  ingress allow proto icmpv6 dst-net $B6/128
  egress allow
endpoint add id 10 name hep-r host iface eth-r prednat-ingress tier 1 policies 24
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 25 egress tier 1 policies 25
EOF

# 5. Untracked policy: udp 5000, tcp 5004 and ICMP allowed both ways
#    untracked; udp 5001 tracked (normal policy); 5002 denied untracked
#    (normal policy would allow it); 5003 allowed in untracked but not
#    out, so the reply meets the normal egress policy (deny).
cfg untracked <<EOF
policy add id 26 name untracked
  ingress allow proto udp dport 5000
  ingress deny proto udp dport 5002
  ingress allow proto udp dport 5003
  ingress allow proto tcp dport 5004
  ingress allow proto icmp
  ingress allow proto icmpv6
  egress allow proto udp sport 5000
  egress allow proto tcp sport 5004
  egress allow proto icmp
  egress allow proto icmpv6
policy add id 27 name normal
  ingress allow proto udp dport 5001:5003
endpoint add id 10 name hep-r host iface eth-r untracked-ingress tier 1 policies 26 untracked-egress tier 1 policies 26 ingress tier 1 policies 27
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 profiles 90
EOF

# 6. Workload to host (the workload-to-host action after egress policy)
#    and host to workload (always allowed).
cfg wl <<EOF
policy add id 28 name b-policy
  ingress deny
  egress deny proto tcp dport 81
  egress allow
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 28 egress tier 1 policies 28
EOF

net <<EOF
$(net_ns)
listen host tcp 22,80-81,179,5004,8080
listen host udp 53,68,80,5000-5003
listen host icmp
listen r tcp 80-81,179
listen r udp 53,80
listen r icmp
listen s tcp 80-81
listen s udp 80
listen s icmp
listen b tcp 80-81
listen b udp 80
listen b icmp
events on
timeout 900

@ host endpoint ingress (INPUT)
sh stratactl batch $SE_TMP/hep.b
$(both "tcp r %s 80 => connected arrived=1 at=host" $HR4 $HR6)
$(both "tcp r %s 81 => timeout arrived=0" $HR4 $HR6)
$(both "udp r %s 80 => timeout arrived=0" $HR4 $HR6)
icmp r $HR4 => reply arrived=1
icmp r $HR6 as=hin6 => timeout arrived=0
$(both "tcp s %s 81 => connected arrived=1 at=host" $HS4 $HS6)
tcp r $HR4 81 as=hin81
ev hin81 hook=input verdict=deny iif=eth-r s0.ep=10 s0.list=in s0.kind=tier s0.tier=1 => n=1
@ host endpoint egress (OUTPUT)
$(both "tcp host %s 80 => connected arrived=1 at=r" $R4 $R6)
$(both "tcp host %s 81 => timeout arrived=0" $R4 $R6)
$(both "udp host %s 80 => error err=EPERM arrived=0" $R4 $R6)
icmp host $R4 => error err=EPERM arrived=0
icmp host $R6 => reply arrived=1
$(both "tcp host %s 81 => connected arrived=1 at=s" $S4 $S6)
tcp host $R4 81 as=hout81
ev hout81 hook=output verdict=deny oif=eth-r s0.ep=10 s0.list=out s0.kind=tier => n=1

@ reject in host endpoint ingress (INPUT) and egress (OUTPUT)
sh stratactl batch $SE_TMP/hepreject.b
$(both "tcp r %s 81 => refused fast arrived=0" $HR4 $HR6)
udp r $HR4 80 => unreach icmp=3/13 fast arrived=0
udp r $HR6 80 => unreach icmp=1/1 fast arrived=0
icmp r $HR4 => unreach icmp=3/13 fast arrived=0
icmp r $HR6 => unreach icmp=1/1 fast arrived=0
$(both "tcp r %s 80 => connected arrived=1 at=host" $HR4 $HR6)
$(both "tcp host %s 81 => refused fast arrived=0" $R4 $R6)
echo a rejected local send fails at once (EPERM, as with iptables REJECT in OUTPUT)
$(both "udp host %s 80 => error err=EPERM fast arrived=0" $R4 $R6)
$(both "tcp host %s 80 => connected arrived=1 at=r" $R4 $R6)

@ forward: no forward policy means allowed
sh stratactl batch $SE_TMP/fwdnone.b
$(both "tcp r %s 81 => connected arrived=1 at=s" $S4 $S6)
$(both "udp s %s 80 => reply arrived=1 at=r" $R4 $R6)
$(both "tcp r %s 81 => connected arrived=1 at=b" $B4 $B6)
$(both "tcp b %s 80 => connected arrived=1 at=r" $R4 $R6)
$(both "icmp r %s => reply arrived=1" $S4 $S6)
$(both "icmp b %s => reply arrived=1" $R4 $R6)
$(both "tcp r %s 80 => timeout arrived=0" $HR4 $HR6)
@ forward-ingress and forward-egress policy
sh stratactl batch $SE_TMP/fwd.b
$(both "tcp r %s 80 => connected arrived=1 at=s" $S4 $S6)
$(both "tcp r %s 81 => timeout arrived=0" $S4 $S6)
$(both "udp r %s 80 => timeout arrived=0" $S4 $S6)
$(both "tcp r %s 81 => timeout arrived=0" $B4 $B6)
$(both "udp r %s 80 => reply arrived=1 at=b" $B4 $B6)
$(both "udp b %s 80 => timeout arrived=0" $S4 $S6)
$(both "tcp b %s 81 => connected arrived=1 at=r" $R4 $R6)
$(both "icmp r %s => reply arrived=1" $S4 $S6)
$(both "icmp r %s => reply arrived=1" $B4 $B6)
$(both "tcp r %s 80 => timeout arrived=0" $HR4 $HR6)
udp r $S4 80 as=fwd1
ev fwd1 hook=forward verdict=deny iif=eth-r oif=eth-s s0.ep=10 s0.list=fin s0.action=allow s0.policy=22 s0.rule=1 s1.ep=11 s1.list=fout s1.action=deny s1.policy=23 s1.rule=0 steps=2 => n=1
@ forward-egress of a "*" host endpoint, pod to remote
sh stratactl batch $SE_TMP/fwdstar.b
$(both "tcp b %s 81 => timeout arrived=0" $R4 $R6)
$(both "tcp b %s 80 => connected arrived=1 at=r" $R4 $R6)
$(both "tcp r %s 81 => connected arrived=1 at=b" $B4 $B6)
$(both "udp b %s 80 => reply arrived=1 at=r" $R4 $R6)
$(both "icmp b %s => timeout arrived=0" $R4 $R6)
$(both "icmp r %s => reply arrived=1" $B4 $B6)

@ failsafe ports under a deny-all "*" host endpoint
sh stratactl batch $SE_TMP/failsafe.b
$(both "tcp r %s 22 => connected arrived=1 at=host" $HR4 $HR6)
$(both "tcp s %s 22 => connected arrived=1 at=host" $HS4 $HS6)
$(both "tcp r %s 179 => connected arrived=1 at=host" $HR4 $HR6)
$(both "udp r %s 68 => reply arrived=1 at=host" $HR4 $HR6)
$(both "tcp r %s 80 => timeout arrived=0" $HR4 $HR6)
$(both "udp r %s 80 => timeout arrived=0" $HR4 $HR6)
$(both "icmp r %s => timeout arrived=0" $HR4 $HR6)
$(both "udp host %s 53 => reply arrived=1 at=r" $R4 $R6)
$(both "tcp host %s 179 => connected arrived=1 at=r" $R4 $R6)
$(both "tcp host %s 80 => timeout arrived=0" $R4 $R6)
$(both "icmp host %s => error err=EPERM arrived=0" $R4 $R6)
tcp r $HR4 22 as=fs22
ev fs22 hook=input verdict=allow reason=failsafe steps=0 => n=1
echo loopback is no host endpoint, "*" included
$(both "tcp host %s 80 => connected arrived=1 at=host" 127.0.0.1 ::1)
$(both "udp host %s 80 => reply arrived=1 at=host" 127.0.0.1 ::1)
$(both "icmp host %s => reply arrived=1" 127.0.0.1 ::1)
@ failsafe restricted to a peer network
sh stratactl batch $SE_TMP/failsafe-net.b
$(both "tcp r %s 22 => timeout arrived=0" $HR4 $HR6)
$(both "tcp s %s 22 => connected arrived=1 at=host" $HS4 $HS6)

@ pre-DNAT policy and DNAT to a pod
sh stratactl batch $SE_TMP/prednat.b
tcp r $HR4 8080 as=dn4 => connected arrived=1 at=b to=$B4 from=$R4
tcp r $HR6 8080 as=dn6 => connected arrived=1 at=b to=$B6 from=$R6
tcp r $HR4 8081 as=dn4x => timeout arrived=0
tcp r $HR6 8081 => timeout arrived=0
$(both "tcp r %s 8082 => connected arrived=1 at=b" $HR4 $HR6)
$(both "tcp r %s 80 => timeout arrived=0" $B4 $B6)
ev dn4 hook=prednat verdict=allow dst=$HR4 dport=8080 iif=eth-r s0.ep=10 s0.list=prednat s0.policy=24 s0.rule=2 => n=1
ev dn4 hook=forward verdict=allow dst=$B4 dport=80 oif=cali-b s0.ep=2 s0.list=in s0.policy=25 s0.rule=1 => n=1
ev dn6 hook=prednat verdict=allow dst=$HR6 dport=8080 s0.list=prednat s0.rule=2 => n=1
ev dn6 hook=forward verdict=allow dst=$B6 dport=80 s0.ep=2 s0.policy=25 s0.rule=1 => n=1
ev dn4x hook=prednat verdict=deny dst=$HR4 dport=8081 s0.rule=1 => n=1
ev dn4x hook=forward => n=0
@ pre-DNAT policy and DNAT of a floating address to a pod (UDP, ICMP)
events clear
udp r $FIP4 80 as=fu4 => reply arrived=1 at=b to=$B4 from=$R4
udp r $FIP6 80 => reply arrived=1 at=b to=$B6 from=$R6
icmp r $FIP4 => reply arrived=1 at=b to=$B4
icmp r $FIP6 as=fi6 => reply arrived=1 at=b to=$B6
$(both "udp r %s 80 => timeout arrived=0" $B4 $B6)
ev fu4 hook=prednat verdict=allow dst=$FIP4 dport=80 s0.list=prednat s0.rule=4 => n=1
ev fu4 hook=forward verdict=allow dst=$B4 dport=80 s0.ep=2 s0.policy=25 s0.rule=2 => n=1
ev fi6 hook=prednat verdict=allow dst=$FIP6 type=128 s0.rule=6 => n=1
ev fi6 hook=forward verdict=allow dst=$B6 type=128 s0.rule=4 => n=1

@ untracked policy
sh stratactl batch $SE_TMP/untracked.b
sh conntrack -F >/dev/null 2>&1
$(both "udp r %s 5000 => reply arrived=1 at=host" $HR4 $HR6)
$(both "udp r %s 5001 => reply arrived=1 at=host" $HR4 $HR6)
$(both "udp r %s 5002 => timeout arrived=0" $HR4 $HR6)
$(both "udp r %s 5003 => timeout arrived=1 at=host" $HR4 $HR6)
$(both "tcp r %s 5004 => connected arrived=1 at=host" $HR4 $HR6)
$(both "icmp r %s => reply arrived=1" $HR4 $HR6)
udp r $HR4 5000 as=un1 => reply arrived=1
sh conntrack -L -f ipv4 -p udp --dport 5000 2>/dev/null | grep -q . => rc=1
sh conntrack -L -f ipv6 -p udp --dport 5000 2>/dev/null | grep -q . => rc=1
sh conntrack -L -f ipv4 -p udp --dport 5001 2>/dev/null | grep -q . => rc=0
sh conntrack -L -f ipv6 -p udp --dport 5001 2>/dev/null | grep -q . => rc=0
sh conntrack -L -p tcp 2>/dev/null | grep -q 'dport=5004' => rc=1
sh conntrack -L -f ipv6 -p tcp 2>/dev/null | grep -q 'dport=5004' => rc=1
sh conntrack -L -p icmp 2>/dev/null | grep -q . => rc=1
sh conntrack -L -f ipv6 -p icmpv6 2>/dev/null | grep -q . => rc=1
ev un1 hook=raw_pre verdict=notrack s0.ep=10 s0.list=uin s0.policy=26 s0.rule=0 => n=1
ev un1 hook=input => n=0

@ workload to host (default drop), host to workload (always allowed)
sh stratactl batch $SE_TMP/wl.b
$(both "tcp b %s 80 => timeout arrived=0" $HR4 $HR6)
$(both "udp b %s 80 => timeout arrived=0" $HR4 $HR6)
$(both "icmp b %s => timeout arrived=0" $HR4 $HR6)
tcp b $HR4 80 as=w2h
ev w2h hook=input verdict=deny reason=wl_to_host => n=1
ev w2h hook=pre verdict=allow s0.ep=2 s0.list=out => n=1
$(both "tcp host %s 80 => connected arrived=1 at=b" $B4 $B6)
$(both "udp host %s 80 => reply arrived=1 at=b" $B4 $B6)
$(both "icmp host %s => reply arrived=1" $B4 $B6)
$(both "tcp r %s 80 => timeout arrived=0" $B4 $B6)
@ workload to host: accept
sh stratactl settings set wl-to-host accept
$(both "tcp b %s 80 => connected arrived=1 at=host" $HR4 $HR6)
$(both "tcp b %s 81 => timeout arrived=0" $HR4 $HR6)
@ workload to host: return (no opinion)
sh stratactl settings set wl-to-host return
$(both "udp b %s 80 => reply arrived=1 at=host" $HR4 $HR6)
$(both "tcp b %s 81 => timeout arrived=0" $HR4 $HR6)
EOF

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
