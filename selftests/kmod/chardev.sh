#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /dev/strata: node and mode, the version and stats ioctls, ENOTTY for
# unknown ioctls, and the per-caller CAP_NET_ADMIN check.
. "$(dirname "$0")/../lib.sh"
require_cmd strata-probe stat setpriv

check "/dev/strata is a character device" test -c /dev/strata
check_eq "/dev/strata has mode 0600" "$(stat -c %a /dev/strata)" 600
check_eq "/dev/strata is owned by root" "$(stat -c %u:%g /dev/strata)" 0:0

# _IOR(0xB8, 0x00, 40 bytes) and _IOR(0xB8, 0x01, 88 bytes)
check "STRATA_IOC_VERSION" strata-probe ioctl 8028b800
check_out "STRATA_IOC_VERSION succeeds" "^errno=0$"
check "STRATA_IOC_STATS" strata-probe ioctl 8058b801
check_out "STRATA_IOC_STATS succeeds" "^errno=0$"

check "unknown nr in our magic" strata-probe ioctl 8058b8ff
check_out "unknown nr gets ENOTTY" "^errno=ENOTTY$"
check "unknown magic" strata-probe ioctl 5401
check_out "foreign ioctl (TCGETS) gets ENOTTY" "^errno=ENOTTY$"
check "known nr with a wrong size" strata-probe ioctl 8010b801
check_out "wrong size gets ENOTTY" "^errno=ENOTTY$"

check "ioctl without CAP_NET_ADMIN" \
	setpriv --bounding-set=-net_admin -- strata-probe ioctl 8058b801
check_out "ioctl without CAP_NET_ADMIN gets EPERM" "^errno=EPERM$"

ktap_finish
