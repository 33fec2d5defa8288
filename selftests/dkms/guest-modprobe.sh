#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of dkms-test.sh: the module DKMS installed loads by name.
. "$(dirname "$0")/../lib.sh"
require_cmd modprobe modinfo

check_eq "module not loaded yet" "$(module_loaded && echo y)" ""
check "modinfo finds the installed module" modinfo -n strata
check_out "it is the DKMS copy" "/updates/dkms/strata\\.ko"
check "modprobe strata" modprobe strata
check "stratactl version talks to it" stratactl version
check_out "module reports the DKMS package version" "^strata.ko 0.0.0-selftest "
check "modprobe -r strata" modprobe -r strata
check_eq "module unloaded" "$(module_loaded && echo y)" ""
ktap_finish
