#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# stratactl compile against the real module: the example's node state
# applied to an empty kernel as one transaction, then nothing left to
# change; what the kernel holds is what compile prints (names, ids,
# rules, endpoint lists); a changed manifest changes only what it must
# (members and one endpoint); the same state as an image keeps every id;
# another node's state replaces it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd stratactl
engine_reset || { log_test "fresh module" 1; ktap_finish; }

EX=examples/shop
W=$(mktemp -d)

# The objects and their rules and lists, without comments, settings and
# members (their grouping on lines depends on the order they are read).
shape()
{
	awk '/^#/ { next }
	     /^[a-z]/ { skip = ($1 == "settings") }
	     skip || /^\tmembers/ { next }
	     { print }' | sort
}

check "node-1 applied to an empty kernel" \
	stratactl compile -f $EX --node node-1 --apply
check_out "one transaction, generation 1" "^applied [0-9]+ changes: generation 1$"

check "compared again" stratactl compile -f $EX --node node-1 --diff
check_eq "nothing left to change" "$LAST_OUT" ""
check "applied again" stratactl compile -f $EX --node node-1 --apply
check_out "nothing applied" "^nothing to change$"

stratactl compile -f $EX --node node-1 | shape >"$W/want"
stratactl show | shape >"$W/got"
check "the kernel holds what compile prints" diff -u "$W/want" "$W/got"
check_eq "members: as many as compile prints" \
	"$(stratactl -j ipset show | grep -o '"count": *[0-9]*' |
		awk -F: '{ n += $2 } END { print n }')" \
	"$(stratactl compile -f $EX --node node-1 -o json |
		grep -c '"addr"')"

# a pod gets another address: its sets' members and its endpoint change
mkdir -p "$W/ex"
cp $EX/*.yaml "$W/ex/"
sed -i 's/10\.65\.0\.10/10.65.0.11/g' "$W/ex/80-pods.yaml"
check "the change, compared" stratactl compile -f "$W/ex" --node node-1 --diff
printf '%s\n' "$LAST_OUT" >"$W/diff"
check_eq "only members and the pod's endpoint change" \
	"$(grep -Ev '^	' "$W/diff" | sed 's/ id [0-9]*.*//' | sort | uniq -c |
		sed 's/^ *//' | tr '\n' ';')" \
	"1 endpoint replace;3 ipset add-members;3 ipset del-members;"
check "the change applied" stratactl compile -f "$W/ex" --node node-1 --apply
check_out "as one transaction" "^applied 7 changes: generation 2$"
check "nothing left" stratactl compile -f "$W/ex" --node node-1 --diff
check_eq "after the change" "$LAST_OUT" ""

# the same state as an image: every id kept
stratactl show | shape >"$W/before"
check "loaded as an image" \
	stratactl compile -f "$W/ex" --node node-1 --apply --image
check_out "one image" "^loaded a [0-9]+-byte image: generation 3$"
stratactl show | shape >"$W/after"
check "the image kept every name and id" diff -u "$W/before" "$W/after"
check "nothing left after the image" \
	stratactl compile -f "$W/ex" --node node-1 --diff
check_eq "the image is the state" "$LAST_OUT" ""

# another node's state replaces this one's, in one transaction; objects
# both nodes have keep their ids
check "node-2 applied over node-1" stratactl compile -f $EX --node node-2 --apply
check_out "in one transaction" "^applied [0-9]+ changes: generation 4$"
check "node-2 compared" stratactl compile -f $EX --node node-2 --diff
check_eq "the kernel holds node-2's state (node-1's ids kept)" "$LAST_OUT" ""
run stratactl endpoint show
check_out "node-1's pods are gone" "^endpoint add id [0-9]+ name pod:db/postgres-0"
if printf '%s\n' "$LAST_OUT" | grep -q 'pod:frontend/web-0'; then
	log_test "no node-1 endpoint left" 1
else
	log_test "no node-1 endpoint left" 0
fi

rm -rf "$W"
ktap_finish
