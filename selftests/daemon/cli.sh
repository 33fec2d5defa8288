#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stratactl's side of a running stratad, with the real module: stratad
# started from the shipped example configuration (every key commented
# out) plus -o overrides; stratactl get without -f prints the daemon's
# resources exactly as get -f prints the same files, in every format;
# with the daemon stopped it exits 3 and says why; the bash completion
# offers the ids and names the kernel holds and the endpoint records the
# daemon keeps, and nothing once the daemon is gone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/daemon.inc"
require_cmd stratad stratactl ip bash
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

topo_host || { log_test "host namespace" 1; ktap_finish; }
cp examples/shop/*.yaml "$SD_DIR"/
ip netns exec "$H" stratad -c userspace/daemon/stratad.conf.example \
	-o node_name="$SD_NODE" -o directory="$SD_DIR" \
	-o api_socket="$STRATAD_SOCKET" -o endpoint_status_dir="$SD_STATUS" \
	-o metrics_port=0 -o log_target=stderr -o resync_interval=0 \
	>>"$SD_LOG" 2>&1 &
# shellcheck disable=SC2034 # daemon.inc's sd_stop and sd_exit use it
SD_PID=$!
sd_ready "stratad with the shipped example configuration programs examples/shop" ||
	ktap_finish
[ "$(ctl endpoint show | grep -c '^endpoint add')" -ge 3 ]
log_test "the kernel holds node-1's endpoints" $?

# get from the daemon = get from the files
same()
{
	local d f
	d=$(stratactl get "$@" 2>&1)
	rd=$?
	f=$(stratactl get "$@" -f "$SD_DIR" 2>&1)
	rf=$?
	if [ $rd = 0 ] && [ $rf = 0 ] && [ -n "$d" ] && [ "$d" = "$f" ]; then
		log_test "get $* from stratad = from the files" 0
	else
		diag "daemon (exit $rd):" "$d" "files (exit $rf):" "$f"
		log_test "get $* from stratad = from the files" 1
	fi
}
same tier
same gnp -o wide
same wep -A -o wide
same np knp.default.api -n backend -o yaml
same profile -o json
same all -A -o yaml
out=$(stratactl -j get gns 2>&1)
[ "$out" = "$(stratactl get gns -o json -f "$SD_DIR")" ]
log_test "get -j is get -o json" $?

# completion against the real kernel and daemon
comp()
{
	ip netns exec "$H" env PATH="$PATH" bash --norc -c '
		. userspace/completion/stratactl
		COMP_LINE=$1; COMP_POINT=${#1}
		_stratactl
		echo "${COMPREPLY[*]}"' comp "$1" 2>&1
}
ids=$(ctl tier show | sed -n 's/^tier add id \([0-9]*\) .*/\1/p' | tr '\n' ' ')
got=$(comp "stratactl tier del id ")
[ -n "$ids" ] && [ "$got " = "$ids" ]
log_test "completion: tier ids from the kernel ($got)" $?
names=$(ctl endpoint show | sed -n 's/^endpoint add id [0-9]* name \([^ ]*\) .*/\1/p' | tr '\n' ' ')
got=$(comp "stratactl endpoint show name ")
[ -n "$names" ] && [ "$got " = "$names" ]
log_test "completion: endpoint names from the kernel ($got)" $?
got=$(comp "stratactl explain --from pod:")
want=$(echo "$names" | tr ' ' '\n' | sed -n 's/^pod://p' | tr '\n' ' ')
[ -n "$want" ] && [ "$got " = "$want" ]
log_test "completion: explain --from pod: ($got)" $?
recs=$(stratactl -j status endpoints | sed -n 's/.*"endpoint":"\([^"]*\)".*/\1/p' | tr '\n' ' ')
got=$(comp "stratactl status endpoint ")
[ -n "$recs" ] && [ "$got " = "$recs" ]
log_test "completion: status endpoint records from stratad ($got)" $?

# the daemon stopped: get says so, the kernel keeps enforcing
sd_stop
log_test "stratad stops" $?
out=$(stratactl get tier 2>&1)
rc=$?
[ $rc = 3 ] && [ "$out" = "stratactl: stratad is not reachable at $STRATAD_SOCKET: No such file or directory
stratactl: get: without -f, get shows the running stratad's resources (-f PATH reads files)" ]
log_test "get without the daemon: exit 3 ($rc) and why" $?
[ -n "$ids" ] && [ "$(comp "stratactl tier del id ") " = "$ids" ]
log_test "the kernel keeps its state: completion still offers its ids" $?
got=$(comp "stratactl status endpoint ")
[ -z "$got" ]
log_test "completion: no records without the daemon, and nothing printed" $?
diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
