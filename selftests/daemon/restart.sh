#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Restarts without disruption. While numbered UDP streams (IPv4, IPv6) and
# a checked TCP stream run from pod a to pod b through a deny-by-default
# tier that allows exactly them, stratad is killed with SIGKILL and
# started again, twice:
#
#  1. nothing changed while it was down: the restart reads the kernel,
#     computes the desired state and applies nothing (no transaction, the
#     kernel's generation does not move);
#  2. a pod was added and a policy changed while it was down: the restart
#     applies exactly that, in one transaction (generation + 1), and the
#     new pod's endpoint is there.
#
# Not one datagram may be lost, duplicated or reordered, and the TCP
# stream must stay intact: the kernel keeps enforcing while no daemon
# runs, and a restart never flushes.
#
#   pod a 10.65.0.1 fd00:65::1 (app=web) --- cali<sha1> \
#   pod b 10.65.0.2 fd00:65::2 (app=api) --- cali<sha1> -- host (se-h, stratad)
#   pod x 10.65.0.9 (added while stratad is down)      /
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/daemon.inc"
require_cmd stratad stratactl strata-net ip sha1sum
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2
topo_host && topo_ns a b x || { log_test "namespaces" 1; ktap_finish; }
topo_pod a "$(sd_iface shop a)" $A4 $A6
topo_pod b "$(sd_iface shop b)" $B4 $B6
topo_pod x "$(sd_iface shop x)" 10.65.0.9 fd00:65::9
topo_up || { log_test "topology" 1; ktap_finish; }

sd_ns shop >"$SD_DIR/00-ns.yaml"
sd_pod shop a $A4 $A6 "app: web" >"$SD_DIR/pod-a.yaml"
sd_pod shop b $B4 $B6 "app: api" >"$SD_DIR/pod-b.yaml"
cat >"$SD_DIR/10-policy.yaml" <<-EOF
	apiVersion: projectcalico.org/v3
	kind: Tier
	metadata: {name: security}
	spec: {order: 100, defaultAction: Deny}
	---
	apiVersion: projectcalico.org/v3
	kind: GlobalNetworkPolicy
	metadata: {name: security.web-to-api}
	spec:
	  tier: security
	  selector: app in {'web', 'api'}
	  ingress:
	  - {action: Allow, protocol: UDP, source: {selector: app == 'web'}, destination: {ports: [9000]}}
	  - {action: Allow, protocol: TCP, source: {selector: app == 'web'}, destination: {ports: [9001]}}
	  egress:
	  - {action: Allow, destination: {selector: app == 'api'}}
EOF
# the change made while the daemon is down: a new pod, a new rule
cat >"$SE_TMP/10-policy.yaml" <<-EOF
	$(cat "$SD_DIR/10-policy.yaml")
	  - {action: Allow, protocol: TCP, source: {selector: app == 'web'}, destination: {ports: [9002]}}
EOF

sd_conf </dev/null
cat >"$SE_TMP/start.sh" <<-EOF
	#!/bin/sh
	ip netns exec $H stratad -c $SD_CONF >>$SD_LOG 2>&1 &
	echo \$! >$SE_TMP/pid
	stratactl status wait --timeout 120 >/dev/null
EOF
cat >"$SE_TMP/restart.sh" <<-EOF
	#!/bin/sh
	# restart.sh N [change]: SIGKILL, change the directory, start, record
	kill -9 \$(cat $SE_TMP/pid) || exit 1
	while kill -0 \$(cat $SE_TMP/pid) 2>/dev/null; do sleep 0.05; done
	if [ "\${2:-}" = change ]; then
		cp $SE_TMP/10-policy.yaml $SD_DIR/.p.tmp && mv $SD_DIR/.p.tmp $SD_DIR/10-policy.yaml
		cp $SE_TMP/pod-x.yaml $SD_DIR/.x.tmp && mv $SD_DIR/.x.tmp $SD_DIR/pod-x.yaml
	fi
	$SE_TMP/start.sh || exit 1
	stratactl -j status >$SE_TMP/status\$1.json
	stratactl -j version >$SE_TMP/version\$1.json
EOF
chmod +x "$SE_TMP/start.sh" "$SE_TMP/restart.sh"
sd_pod shop x 10.65.0.9 fd00:65::9 "app: batch" >"$SE_TMP/pod-x.yaml"

"$SE_TMP/start.sh"
log_test "stratad programs the policy (ready)" $?
g0=$(sd_status generation)
diag "programmed generation $g0"

net <<-EOF
	$(net_ns)
	listen b seq 9000
	listen b stream 9001
	useq start s4 a $B4 9000 pps=300
	useq start s6 a $B6 9000 pps=300
	tstream start t a $B4 9001 kbps=128
	sleep 500

	@ kill -9 and restart, nothing changed meanwhile
	sh $SE_TMP/restart.sh 1 => rc=0
	sleep 300

	@ kill -9, a pod added and a rule changed meanwhile, restart
	sh $SE_TMP/restart.sh 2 change => rc=0
	sleep 500

	@ the streams never noticed
	useq stop s4 => lost=0 reorder=0 dup=0 sent>=300
	useq stop s6 => lost=0 reorder=0 dup=0 sent>=300
	tstream stop t => ok
EOF

field()
{
	tr -d ' \n' <"$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}
c1=$(field "$SE_TMP/status1.json" commits)
g1=$(field "$SE_TMP/status1.json" generation)
k1=$(field "$SE_TMP/version1.json" generation)
[ "$c1" = 0 ] && [ "$g1" = "$g0" ] && [ "$k1" = "$g0" ]
log_test "restart 1: nothing applied (commits $c1, generation $g1, kernel $k1, before $g0)" $?
c2=$(field "$SE_TMP/status2.json" commits)
o2=$(field "$SE_TMP/status2.json" operations)
g2=$(field "$SE_TMP/status2.json" generation)
[ "$c2" = 1 ] && [ "$g2" = $((g0 + 1)) ]
log_test "restart 2: one transaction (commits $c2, $o2 operations, generation $g2)" $?
ctl endpoint show | grep -q 'name pod:shop/x '
log_test "restart 2: the pod added meanwhile is programmed" $?
ctl policy show | grep -q 'dst-port 9002'
log_test "restart 2: the rule added meanwhile is programmed" $?
n=$(grep -c 'programmed generation' "$SD_LOG")
[ "$n" = 3 ] && grep -q "programmed generation $g0 in .*, 0 changes" "$SD_LOG"
log_test "the log says each start's first programming (and 0 changes at restart 1)" $?

sd_kill9_pid()
{
	kill -9 "$(cat "$SE_TMP/pid")" 2>/dev/null
}
sd_kill9_pid
diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
