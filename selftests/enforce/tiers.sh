#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tiers, passes, tier defaults, log-only policies, profiles and the no-match
# action, on live TCP, UDP and ICMP over IPv4 and IPv6 between two pods.
#
#   pod a (se-a)                       host (se-h)                      pod b (se-b)
#   eth0 10.65.0.1/32  ==veth== cali-a  forwarding   cali-b ==veth== eth0 10.65.0.2/32
#        fd00:65::1/128                 routes /32 /128 dev cali-x         fd00:65::2/128
#   default via 169.254.1.1 / fe80::ecee:eeff:feee:eeee (host MAC ee:ee:ee:ee:ee:ee)
#
# Pod a's egress always allows (profile 90); each case sets pod b's ingress
# (evaluated at FORWARD) and checks what reaches b's servers (TCP and UDP
# ports 80-81, ICMP echo) and what a's client sees. The last case runs the
# same kind of matrix on a's egress (evaluated at PREROUTING) instead.
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

# cfg NAME: a batch file ($SE_TMP/NAME.b) from stdin after the objects every
# case shares; pod b's endpoint comes from the case ($B_EP, its lists).
common()
{
	cat <<-EOF
	flush
	policy add id 90 name allow-all
	  ingress allow
	  egress allow
	policy add id 91 name egress-only
	  egress allow
	endpoint add id 1 name pod-a workload iface cali-a addr $A4,$A6 profiles 90
	EOF
}
cfg()
{
	{
		common
		cat
	} >"$SE_TMP/$1.b"
}

# want NS PORT ok|drop: TCP and UDP to PORT and ICMP echo, IPv4 and IPv6,
# from NS to pod b; ok: answered and arrived once; drop: nothing arrived.
want()
{
	for d in $B4 $B6; do
		case $3 in
		ok)
			echo "tcp $1 $d $2 => connected arrived=1"
			echo "udp $1 $d $2 => reply arrived=1"
			;;
		drop)
			echo "tcp $1 $d $2 => timeout arrived=0"
			echo "udp $1 $d $2 => timeout arrived=0"
			;;
		esac
	done
}
wicmp()
{
	for d in $B4 $B6; do
		case $2 in
		ok) echo "icmp $1 $d => reply arrived=1" ;;
		drop) echo "icmp $1 $d => timeout arrived=0" ;;
		esac
	done
}

# 1. Tier order: tier 1 denies port 80, tier 2 allows everything. b lists
#    tier 1 then tier 2: denied; tier 2 then tier 1: allowed. Within a tier,
#    the first policy decides.
cfg order12 <<EOF
tier add id 1 name t-first
tier add id 2 name t-second
policy add id 10 name deny-80
  ingress deny proto tcp dport 80
  ingress deny proto udp dport 80
  ingress deny proto icmp
  ingress deny proto icmpv6
  ingress allow
policy add id 11 name allow-everything
  ingress allow
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10 tier 2 policies 11 profiles 91
EOF
cfg order21 <<EOF
tier add id 1 name t-first
tier add id 2 name t-second
policy add id 10 name deny-80
  ingress deny proto tcp dport 80
  ingress deny proto udp dport 80
  ingress deny proto icmp
  ingress deny proto icmpv6
  ingress allow
policy add id 11 name allow-everything
  ingress allow
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 2 policies 11 tier 1 policies 10 profiles 91
EOF
for o in 11,10 10,11; do
	cfg "porder$o" <<-EOF
	tier add id 1 name t-first
	policy add id 10 name deny-80
	  ingress deny proto tcp dport 80
	  ingress deny proto udp dport 80
	policy add id 11 name allow-80
	  ingress allow proto tcp dport 80
	  ingress allow proto udp dport 80
	endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies $o profiles 91
	EOF
done

# 2. Pass, end-of-tier deny: tier 1 passes port 80 and allows nothing
#    else, so port 81 and ICMP meet tier 1's default (deny) although
#    tier 2 allows everything; port 80 is passed to tier 2 and allowed.
cfg pass <<EOF
tier add id 1 name t-pass
tier add id 2 name t-allow
policy add id 10 name pass-80
  ingress pass proto tcp dport 80
  ingress pass proto udp dport 80
policy add id 11 name allow-everything
  ingress allow
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10 tier 2 policies 11 profiles 91
EOF

# 3. Tier default pass: tier 1 (default pass) decides nothing for port 80,
#    81 or ICMP, so tier 2 does: it allows port 80 and ICMP; port 81 meets
#    tier 2's default deny.
cfg dpass <<EOF
tier add id 1 name t-dpass default pass
tier add id 2 name t-deny
policy add id 10 name allow-9999
  ingress allow proto tcp dport 9999
policy add id 11 name allow-80
  ingress allow proto tcp dport 80
  ingress allow proto udp dport 80
  ingress allow proto icmp
  ingress allow proto icmpv6
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10 tier 2 policies 11 profiles 91
EOF

# 4. A log-only policy makes its tier apply: everything is denied (tier
#    default), and every packet is logged with its tier, policy and rule.
#    With an allow after the log rule, it passes and is logged.
cfg logonly <<EOF
tier add id 1 name t-log
policy add id 10 name log-only
  ingress log
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10 profiles 90
EOF
cfg logallow <<EOF
tier add id 1 name t-log
policy add id 10 name log-then-allow
  ingress log proto udp
  ingress allow
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10 profiles 91
EOF

# 5. Profiles come after the tiers: tier 1 passes everything, profile 92
#    allows port 80, profile 93 (after 92) allows ICMP; port 81 falls off
#    both profiles to the no-match action (deny). With a tier that denies,
#    the profiles are never reached.
cfg profiles <<EOF
tier add id 1 name t-pass-all
policy add id 10 name pass-all
  ingress pass
policy add id 92 name prof-80
  ingress allow proto tcp dport 80
  ingress allow proto udp dport 80
  egress allow
policy add id 93 name prof-icmp
  ingress allow proto icmp
  ingress allow proto icmpv6
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10 profiles 92,93
EOF
cfg profdeny <<EOF
tier add id 1 name t-deny-all
policy add id 10 name deny-all
  ingress deny
policy add id 92 name prof-80
  ingress allow proto tcp dport 80
  ingress allow proto udp dport 80
  egress allow
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 ingress tier 1 policies 10 profiles 92
EOF

# 6. No policy at all: no tier, no profile: the no-match action decides
#    (deny by default; allow if the endpoint says so).
cfg nomatchdeny <<EOF
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6
EOF
cfg nomatchallow <<EOF
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 no-match allow
EOF

# 7. Egress (pod a, PREROUTING): the same tier rules apply to a's egress
#    list; b allows everything.
cfg egress <<EOF
tier add id 1 name t-egress
tier add id 2 name t-egress-2 default pass
policy add id 10 name eg-pass-80
  egress pass proto tcp dport 80
  egress pass proto udp dport 80
  egress allow proto icmp
  egress allow proto icmpv6
policy add id 11 name eg-allow-80
  egress allow proto tcp dport 80
  egress allow proto udp dport 80
endpoint replace id 1 name pod-a workload iface cali-a addr $A4,$A6 egress tier 1 policies 10 tier 2 policies 11 profiles 92
policy add id 92 name prof-ingress
  ingress allow
endpoint add id 2 name pod-b workload iface cali-b addr $B4,$B6 profiles 90
EOF

kmsg_mark tiers-log
net <<EOF
$(net_ns)
listen b tcp 80-81
listen b udp 80-81
listen b icmp
listen a tcp 80-81
events on
timeout 900

@ tier order (tier 1 deny before tier 2 allow)
sh stratactl batch $SE_TMP/order12.b
$(want a 80 drop)
$(wicmp a drop)
$(want a 81 ok)
udp a $B4 80 as=o12
ev o12 hook=forward verdict=deny s0.ep=2 s0.list=in s0.action=deny s0.kind=rule s0.tier=1 s0.policy=10 s0.rule=1 => n=1
ev o12 hook=pre verdict=allow s0.ep=1 s0.list=out s0.kind=rule s0.tier=0 s0.policy=90 s0.rule=0 => n=1
@ tier order (tier 2 allow before tier 1 deny)
sh stratactl batch $SE_TMP/order21.b
$(want a 80 ok)
$(wicmp a ok)
udp a $B6 80 as=o21
ev o21 hook=forward verdict=allow s0.tier=2 s0.policy=11 s0.rule=0 s0.passes=0 => n=1
@ policy order in a tier (allow-80 before deny-80)
sh stratactl batch $SE_TMP/porder11,10.b
$(want a 80 ok)
$(want a 81 drop)
@ policy order in a tier (deny-80 before allow-80)
sh stratactl batch $SE_TMP/porder10,11.b
$(want a 80 drop)

@ pass to the next tier, end-of-tier deny
sh stratactl batch $SE_TMP/pass.b
$(want a 80 ok)
$(want a 81 drop)
$(wicmp a drop)
udp a $B4 80 as=pass80
udp a $B6 81 as=deny81
ev pass80 hook=forward verdict=allow s0.tier=2 s0.policy=11 s0.rule=0 s0.passes=1 => n=1
ev deny81 hook=forward verdict=deny s0.action=deny s0.kind=tier s0.tier=1 s0.policy=0 => n=1

@ tier default pass
sh stratactl batch $SE_TMP/dpass.b
$(want a 80 ok)
$(wicmp a ok)
$(want a 81 drop)
udp a $B4 80 as=dp80
udp a $B6 81 as=dp81
ev dp80 hook=forward verdict=allow s0.tier=2 s0.policy=11 s0.rule=1 s0.passes=1 => n=1
ev dp81 hook=forward verdict=deny s0.kind=tier s0.tier=2 s0.passes=1 => n=1

@ a log-only policy denies (and logs)
sh stratactl batch $SE_TMP/logonly.b
$(want a 80 drop)
$(wicmp a drop)
udp a $B6 80 as=log1
ev log1 hook=forward verdict=deny logged s0.kind=tier s0.tier=1 s0.logs=1/10/0 => n=1
@ log then allow
sh stratactl batch $SE_TMP/logallow.b
$(want a 80 ok)
udp a $B4 81 as=log2
ev log2 hook=forward verdict=allow logged s0.tier=1 s0.policy=10 s0.rule=1 s0.logs=1/10/0 => n=1

@ profiles after tiers
sh stratactl batch $SE_TMP/profiles.b
$(want a 80 ok)
$(wicmp a ok)
$(want a 81 drop)
udp a $B4 80 as=pr80
udp a $B6 81 as=pr81
ev pr80 hook=forward verdict=allow s0.kind=rule s0.tier=0 s0.policy=92 s0.rule=1 s0.passes=1 => n=1
ev pr81 hook=forward verdict=deny s0.kind=nomatch s0.policy=0 s0.passes=3 => n=1
@ profiles are not reached when a tier denies
sh stratactl batch $SE_TMP/profdeny.b
$(want a 80 drop)

@ no policy: no-match deny
sh stratactl batch $SE_TMP/nomatchdeny.b
$(want a 80 drop)
$(wicmp a drop)
udp a $B4 80 as=nm1
ev nm1 hook=forward verdict=deny s0.kind=nomatch s0.ep=2 => n=1
@ no policy: no-match allow
sh stratactl batch $SE_TMP/nomatchallow.b
$(want a 80 ok)
$(wicmp a ok)

@ egress tiers (pass, default pass, end-of-tier deny, profiles)
sh stratactl batch $SE_TMP/egress.b
$(want a 80 ok)
$(want a 81 drop)
$(wicmp a ok)
udp a $B4 81 as=eg81
udp a $B6 80 as=eg80
ev eg81 hook=pre verdict=deny s0.ep=1 s0.list=out s0.kind=tier s0.tier=1 => n=1
ev eg81 hook=forward => n=0
ev eg80 hook=pre verdict=allow s0.ep=1 s0.list=out s0.tier=2 s0.policy=11 s0.rule=1 s0.passes=1 => n=1
EOF

# The log lines of case 4: tier, policy and rule, both families.
log=$(kmsg_since tiers-log)
for fam in "src=10.65.0.1 .* dst=10.65.0.2" "src=fd00:65::1 .* dst=fd00:65::2"; do
	for proto in 6 17 1 58; do
		case "$fam/$proto" in
		*10.65*/58 | *fd00*/1) continue ;;
		esac
		if printf '%s\n' "$log" |
			grep -Eq "log tier=t-log policy=log-only rule=0 endpoint=pod-b list=(0|ingress) proto=$proto $fam"; then
			log_test "log line: tier=t-log policy=log-only rule=0 proto=$proto ${fam%% *}" 0
		else
			diag "no log line for proto $proto $fam in:" "$(printf '%s\n' "$log" | grep 'log tier' | head -20)"
			log_test "log line: tier=t-log policy=log-only rule=0 proto=$proto ${fam%% *}" 1
		fi
	done
done
n=$(printf '%s\n' "$log" | grep -c "log tier=t-log policy=log-then-allow rule=0 .*proto=17")
check_eq "log then allow: one line per UDP datagram (3)" "$n" 3
n=$(printf '%s\n' "$log" | grep -c "log tier=t-log policy=log-then-allow rule=0 .*proto=6")
check_eq "log then allow: the log rule matches UDP only (no TCP line)" "$n" 0

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
