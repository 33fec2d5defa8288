#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family and stratactl version, with and without
# CAP_NET_ADMIN over the caller's network namespace.
#
#   init netns (root, module loaded)
#     |-- stratactl version                       -> ok
#     |-- setpriv (no CAP_NET_ADMIN)              -> EPERM, exit 4
#     |-- unshare -U -r (userns, init netns)      -> EPERM, exit 4
#     `-- unshare -U -r -n (userns owns a netns)  -> ok, own state
. "$(dirname "$0")/../lib.sh"
require_cmd genl stratactl setpriv unshare

check "genl ctrl lists the strata family" genl ctrl get name strata
check_out "family has the GET_VERSION op" "#[0-9]+: +ID-0x1 *$"
check_out "family has all 23 commands" "#23: +ID-0x"
check_out "family has the config group" "name: config"
check_out "family has the flows group" "name: flows"

check "stratactl version as root" stratactl version
check_out "version names the module ABI" \
	"^strata.ko .*\\(ABI 1, generic netlink version 1\\), generation 0$"
check_out "version reports /dev/strata" "^/dev/strata: ABI 1"

check "stratactl -j version" stratactl -j version
check_out "JSON carries the kernel ABI" '"abi": ?1,'

check_fail "refused without CAP_NET_ADMIN (bounding set)" 4 \
	setpriv --bounding-set=-net_admin -- stratactl version
check_out "permission error names CAP_NET_ADMIN" \
	"permission denied: CAP_NET_ADMIN over this network namespace"

check_fail "refused from a user namespace over the init netns" 4 \
	unshare -U -r stratactl version

check "allowed in a netns owned by the caller's user namespace" \
	unshare -U -r -n stratactl version
check_out "that netns has its own state" "generation 0$"

check_fail "unknown subcommand is a usage error" 1 stratactl frobnicate
check "stratactl version help" stratactl version help

ktap_finish
