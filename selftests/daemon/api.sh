#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stratad as a service: systemd readiness (Type=notify: READY=1 only once
# the first programming is in the kernel, never while the datastore is not
# there), the local API (root only, one JSON object per line, ids echoed,
# errors), one daemon per socket, /metrics over HTTP, and drift: an
# endpoint deleted behind the daemon's back with stratactl is put back at
# once (the commit is announced on the "config" group), as after SIGHUP.
#
#   pod a 10.65.0.1 --- cali<sha1> \
#   pod b 10.65.0.2 --- cali<sha1> -- host (se-h, stratad)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/daemon.inc"
require_cmd stratad stratactl ip sha1sum socat curl setpriv
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

topo_host && topo_ns a b || { log_test "namespaces" 1; ktap_finish; }
topo_pod a "$(sd_iface shop a)" 10.65.0.1 fd00:65::1
topo_pod b "$(sd_iface shop b)" 10.65.0.2 fd00:65::2
topo_up || { log_test "topology" 1; ktap_finish; }
NOTIFY_PID=""
api_exit()
{
	[ -n "$NOTIFY_PID" ] && kill "$NOTIFY_PID" 2>/dev/null
	sd_exit
}
trap api_exit EXIT

# readiness: the directory does not exist yet
rmdir "$SD_DIR"
socat -u "UNIX-RECV:$SE_TMP/notify" "OPEN:$SE_TMP/notified,creat,append" &
NOTIFY_PID=$!
sd_conf <<-EOF
	metrics_port = 9097
EOF
sleep 0.2
NOTIFY_SOCKET=$SE_TMP/notify sd_start
sleep 2
! grep -q 'READY=1' "$SE_TMP/notified" 2>/dev/null
log_test "no READY=1 while the datastore is missing" $?
[ "$(sd_status phase)" = waiting-for-datastore ]
log_test "status: waiting-for-datastore" $?
stratactl status wait --timeout 1 >"$SE_TMP/out" 2>&1
rc=$?
[ $rc = 5 ] && grep -q 'timed out after 1000 ms: waiting-for-datastore' "$SE_TMP/out"
log_test "stratactl status wait times out (exit $rc)" $?
[ "$(ctl endpoint show | grep -c '^endpoint')" = 0 ]
log_test "the kernel was not touched" $?

# the directory appears with its files (renamed into place at once)
mkdir "$SE_TMP/new"
sd_ns shop >"$SE_TMP/new/00-ns.yaml"
sd_pod shop a 10.65.0.1 fd00:65::1 >"$SE_TMP/new/pod-a.yaml"
sd_pod shop b 10.65.0.2 fd00:65::2 >"$SE_TMP/new/pod-b.yaml"
mv "$SE_TMP/new" "$SD_DIR"
i=0
while ! grep -q 'READY=1' "$SE_TMP/notified" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
n=$(ctl endpoint show | grep -c '^endpoint add')
grep -q 'READY=1' "$SE_TMP/notified" && [ "$n" = 2 ]
log_test "READY=1 once the directory is there, with both endpoints in the kernel ($n)" $?
grep -q 'STATUS=programmed generation 1' "$SE_TMP/notified"
log_test "the notification's STATUS names the generation" $?

# the local API
mode=$(stat -c %a "$STRATAD_SOCKET")
[ "$mode" = 600 ]
log_test "the socket is mode 600 ($mode)" $?
setpriv --reuid=65534 --regid=65534 --clear-groups stratactl status >/dev/null 2>&1
rc=$?
[ $rc = 4 ]
log_test "stratactl status as nobody: permission denied (exit $rc)" $?
api()
{
	printf '%s\n' "$@" | socat -t 5 - "UNIX-CONNECT:$STRATAD_SOCKET"
}
out=$(api '{"command":"status","id":7}')
case $out in
'{"ok":true,"node":"node-1","phase":"programmed",'*'"id":7}') r=0 ;;
*) r=1 ;;
esac
log_test "status: ok, node, phase, id echoed" $r
[ $r = 0 ] || diag "$out"
out=$(api 'not json' '{"command":"nope"}' '{"command":"get","what":"resources","kind":"pod"}')
want='{"ok":false,"error":"a request is one JSON object per line"}
{"ok":false,"error":"unknown command \"nope\" (status, get, wait, endpoint or resync)"}
{"ok":false,"error":"get: unknown kind \"pod\""}'
[ "$out" = "$want" ]
log_test "errors: not JSON, an unknown command, an unknown kind (one reply each, in order)" $?
[ "$out" = "$want" ] || diag "$out"
out=$(api '{"command":"get","what":"resources","kind":"wep"}')
case $out in
'{"ok":true,"resources":[{"apiVersion":"projectcalico.org/v3","kind":"WorkloadEndpoint","metadata":{"name":"node--1-k8s-a-eth0","namespace":"shop"'*) r=0 ;;
*) r=1 ;;
esac
log_test "get resources: the pods' WorkloadEndpoints as Calico prints them" $r
out=$(api '{"command":"endpoint","endpoint":"shop/b"}')
case $out in
'{"ok":true,"status":{"endpoint":"pod:shop/b","kind":"WorkloadEndpoint","namespace":"shop","name":"node--1-k8s-b-eth0","pod":"b",'*'"status":"programmed","generation":1,'*) r=0 ;;
*) r=1 ;;
esac
log_test "endpoint shop/b: its acknowledgement" $r
[ $r = 0 ] || diag "$out"

ip netns exec "$H" stratad -c "$SD_CONF" >"$SE_TMP/second.log" 2>&1
rc=$?
[ $rc = 1 ] && grep -q 'another stratad is running' "$SE_TMP/second.log"
log_test "a second stratad on the same socket refuses to start (exit $rc)" $?

# metrics
m=$(ip netns exec "$H" curl -s http://127.0.0.1:9097/metrics)
for l in 'stratad_programmed 1' 'stratad_local_endpoints 2' \
	'stratad_kernel_generation 1' 'stratad_updates_applied_total 1' \
	'stratad_resources{kind="WorkloadEndpoint"} 2' \
	'stratad_kernel_flow_events_lost_total 0' \
	'stratad_endpoint_status_records 2'; do
	printf '%s\n' "$m" | grep -qxF "$l"
	log_test "metrics: $l" $?
done
code=$(ip netns exec "$H" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9097/nope)
[ "$code" = 404 ]
log_test "metrics: other paths are 404 ($code)" $?

# drift: someone deletes an endpoint with stratactl
ctl endpoint del name pod:shop/a
i=0
while ! ctl endpoint show | grep -q 'name pod:shop/a ' && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
ctl endpoint show | grep -q 'name pod:shop/a '
log_test "an endpoint deleted behind its back is back ($((i * 50)) ms)" $?
grep -q 'the kernel differed from the desired state: 1 change made it equal again' "$SD_LOG"
log_test "the repair is logged" $?
[ "$(sd_status drift)" = 1 ]
log_test "status: drift 1" $?
kill -HUP "$SD_PID"
sleep 0.5
grep -q 'SIGHUP: comparing the kernel' "$SD_LOG" && [ "$(sd_status drift)" = 1 ]
log_test "SIGHUP compares again: nothing differs" $?

sd_stop
log_test "stratad stops" $?
[ ! -e "$STRATAD_SOCKET" ]
log_test "its socket is removed" $?
diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
