#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Malformed generic netlink requests are refused with the right errno and
# an extack message, and never warn (the VM harness checks the kernel log).
. "$(dirname "$0")/../lib.sh"
require_cmd strata-probe

# case                 errno          extack (ERE)
while read -r c e m; do
	check "genl $c is answered" strata-probe genl "$c"
	check_out "genl $c: $e" "^errno=$e msg=$m"
done <<'CASES'
valid			0		$
short-u32		EINVAL		invalid attribute length$
long-u64		EINVAL		invalid attribute length$
unknown-attr		EINVAL		Unknown attribute type$
truncated-attr		EINVAL		bytes leftover after parsing attributes$
bad-cmd			EOPNOTSUPP	$
reserved		EINVAL		genlmsghdr.reserved field is not 0$
pad-attr		EINVAL		Attribute failed policy validation$
string-too-long		EINVAL		Attribute failed policy validation$
string-no-nul		EINVAL		Attribute failed policy validation$
short-header		EINVAL		$
zero-attr-len		EINVAL		bytes leftover after parsing attributes$
CASES

check "stratactl still works afterwards" stratactl version
ktap_finish
