#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Malformed requests and images: each is refused with its specific errno and
# extack text (netlink: pointing at the offending attribute, "attr=" is the
# path of attribute types; images: strata_ioc_load.err_msg), and leaves the
# generation and every dump unchanged ("unchanged base" makes the probe
# compare a digest of all dumps and the generation after each case). The
# VM harness fails the run on any kernel warning.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd strata-probe
engine_reset || { log_test "fresh module" 1; ktap_finish; }

kmsg_mark malformed-begin

PROBE_PREFIX="netlink: "
probe <<'P'
flush
tier 1 name=t1 => ok
policy 1 name=p1 in=allow => ok
ipset 1 name=s1 members=10.0.0.1 => ok
endpoint 1 name=e1 if=cali1 in=1:1 => ok
digest-save base
unchanged base
# the request and its header
raw NEW_TIER => EINVAL 'msg="STRATA_A_TIER is required" miss=6'
raw NEW_TIER flags=create 6{ 1=u32:2 2=str:t2 } => EINVAL 'msg="ambiguous or reserved bits set in nlmsg_flags"'
raw DEL_TIER flags=replace 6{ 1=u32:1 } => EINVAL 'msg="ambiguous or reserved bits set in nlmsg_flags"'
raw NEW_TIER reserved=1 6{ 1=u32:2 2=str:t2 } => EINVAL 'msg="genlmsghdr.reserved field is not 0"'
raw 99 => EOPNOTSUPP
raw NEW_POLICY 6{ 1=u32:2 2=str:t2 } => EINVAL 'msg="attribute not accepted by this command" attr=6'
raw TX_BEGIN 6{ 1=u32:2 } => EINVAL 'msg="attribute not accepted by this command" attr=6'
raw GET_VERSION 11=u32:0 => EINVAL 'msg="STRATA_A_STATS appears only in replies" attr=11'
raw GET_VERSION 11{ } => EINVAL 'msg="NLA_F_NESTED not expected" attr=11'
raw NEW_TIER 6!{ 1=u32:2 2=str:t2 } => EINVAL 'msg="NLA_F_NESTED is missing" attr=6'
raw NEW_TIER 6{ 1=u32:2 2=str:t2 9=u32:1 } => EINVAL 'msg="Unknown attribute type" attr=6/9'
raw NEW_TIER 6{ 1=u16:2 2=str:t2 } => EINVAL 'msg="invalid attribute length" attr=6/1'
raw NEW_TIER 6{ 1=len:64 } => EINVAL 'msg="bytes leftover after parsing attributes"'
# tiers
raw NEW_TIER 6{ 2=str:t2 } => EINVAL 'msg="STRATA_TIER_A_ID is required" attr=6 miss=1'
raw NEW_TIER 6{ 1=u32:0 2=str:t2 } => ERANGE 'msg="integer out of range" attr=6/1'
raw NEW_TIER 6{ 1=u32:2 2=rep:64:61 } => EINVAL 'msg="Attribute failed policy validation" attr=6/2'
raw NEW_TIER 6{ 1=u32:2 2=raw:abc } => EINVAL 'msg="Attribute failed policy validation" attr=6/2'
raw NEW_TIER 6{ 1=u32:2 2=hex:61206200 } => EINVAL 'msg="name has a space or a non-printable character" attr=6 cookie=1:2'
raw NEW_TIER 6{ 1=u32:2 2=str:t2 3=u8:1 } => ERANGE 'msg="integer out of range" attr=6/3'
raw NEW_TIER 6{ 1=u32:2 2=str:t1 } => EEXIST 'msg="another object of this kind has this name" attr=6 cookie=1:2'
raw DEL_TIER 6{ 1=u32:1 2=str:t1 } => EINVAL 'msg="give STRATA_TIER_A_ID or STRATA_TIER_A_NAME, not both" attr=6/2'
raw DEL_TIER 6{ } => EINVAL 'msg="STRATA_TIER_A_ID or STRATA_TIER_A_NAME is required" attr=6'
raw GET_TIER 6{ 1=u32:1 3=u8:2 } => EINVAL 'msg="only STRATA_TIER_A_ID or STRATA_TIER_A_NAME is accepted here" attr=6/3'
del tier 1 => EBUSY 'msg="still referred to: cannot delete" attr=6/1 cookie=1:1'
# policies and rules
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:6 } } } => ERANGE 'msg="integer out of range" attr=7/3/1/1'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:1 5=u8:255 } } } => ERANGE 'msg="integer out of range" attr=7/3/1/5'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:1 2=u8:5 } } } => ERANGE 'msg="STRATA_RULE_A_IP_VERSION must be 0, 4 or 6" attr=7/3/1/2'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:1 9{ 1=zero:19 } } } } => EINVAL 'msg="array length is not a multiple of its element size" attr=7/3/1/9/1'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:1 12=u32:0 } } } => EINVAL 'msg="Attribute failed policy validation" attr=7/3/1/12'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:1 5=u8:8 } } } => EINVAL 'msg="ICMP type and code need protocol ICMP or ICMPv6" attr=7/3/1 cookie=2:2'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:1 3=u8:6 10{ 5=hex:5000 } } } } => EINVAL 'msg="array length is not a multiple of its element size" attr=7/3/1/10/5'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:1 3=u8:6 10{ 5=hex:50004f00 } } } } => EINVAL 'msg="port range has first port after last" attr=7/3/1 cookie=2:2'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 6=u32:0 } => EINVAL 'msg="STRATA_POLICY_A_INGRESS_START appears only in dumps" attr=7/6'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 5=u32:2 } => EINVAL 'msg="reserved bit set" attr=7/5'
raw NEW_POLICY 7{ 1=u32:2 2=str:p2 3{ 1{ 1=u8:1 9{ 3=hex:00000000 } } } } => EINVAL 'msg="rule refers to IP set id 0" attr=7/3/1 cookie=2:2'
# IP sets and members
raw NEW_IPSET 8{ 1=u32:2 2=str:s2 3=u8:5 4=u8:1 } => ERANGE 'msg="STRATA_IPSET_A_FAMILY must be 4 or 6" attr=8/3'
raw NEW_IPSET 8{ 1=u32:2 2=str:s2 3=u8:4 } => EINVAL 'msg="STRATA_IPSET_A_KIND is required" attr=8 miss=4'
raw NEW_IPSET 8{ 1=u32:2 2=str:s2 3=u8:4 4=u8:1 5=zero:21 } => EINVAL 'msg="array length is not a multiple of its element size" attr=8/5'
raw NEW_IPSET 8{ 1=u32:2 2=str:s2 3=u8:4 4=u8:1 5=hex:0a00000000000000000000000000000018000000 } => EINVAL 'msg="address set members are full-length addresses" attr=8/5 cookie=3:2'
raw NEW_IPSET 8{ 1=u32:2 2=str:s2 3=u8:4 4=u8:2 5=hex:0a00000100000000000000000000000018000000 } => EINVAL 'msg="prefix has bits set beyond its length" attr=8/5 cookie=3:2'
raw NEW_IPSET 8{ 1=u32:2 2=str:s2 3=u8:4 4=u8:1 6=u32:1 } => EINVAL 'msg="STRATA_IPSET_A_COUNT appears only in replies" attr=8/6'
raw ADD_MEMBERS 8{ 1=u32:1 } => EINVAL 'msg="STRATA_IPSET_A_MEMBERS is required" attr=8 miss=5'
raw ADD_MEMBERS 8{ 1=u32:1 5=hex:0a00000200000000000000000000000020000000 } 12=u32:2 => EINVAL 'msg="reserved bit set" attr=12'
raw ADD_MEMBERS 8{ 1=u32:1 3=u8:4 5=hex:0a00000200000000000000000000000020000000 } => EINVAL 'msg="only STRATA_IPSET_A_ID or STRATA_IPSET_A_NAME is accepted here" attr=8/3'
raw ADD_MEMBERS 8{ 1=u32:1 5=hex:0a00000200000000000000000000000020060000 } => EINVAL 'msg="address set members are full-length addresses" attr=8/5 cookie=3:1'
raw ADD_MEMBERS 8{ 1=u32:1 5=hex:0a00000100000000000000000000000020000000 } => EEXIST 'msg="member already in the set" attr=8/5 cookie=3:1'
raw DEL_MEMBERS 8{ 2=str:nosuch 5=hex:0a00000100000000000000000000000020000000 } => ENOENT 'msg="no such IP set" attr=8/5'
# endpoints
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:1 } => EINVAL 'msg="STRATA_EP_A_IFNAME is required" attr=9 miss=4'
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:3 4=str:x } => ERANGE 'msg="integer out of range" attr=9/3'
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:1 4=rep:16:61 } => EINVAL 'msg="Attribute failed policy validation" attr=9/4'
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:1 4=str:x 10{ 9{ } } } => EINVAL 'msg="Unknown attribute type" attr=9/10/9'
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:1 4=str:x 10{ 1{ 1{ 2=hex:01000000 } } } } => EINVAL 'msg="STRATA_TIERREF_A_TIER is required in every tier reference" attr=9/10/1/1 miss=1'
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:1 4=str:x 9=zero:6 } => EINVAL 'msg="array length is not a multiple of its element size" attr=9/9'
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:1 4=str:x 5=hex:0a00000100000000000000000000000004180000 } => EINVAL 'msg="prefix has bits set beyond its length" attr=9 cookie=4:2'
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:1 4=str:x 10{ 1{ 1{ 1=u32:1 2=hex:00000000 } } } } => EINVAL 'msg="endpoint refers to policy id 0" attr=9 cookie=4:2'
raw NEW_ENDPOINT 9{ 1=u32:2 2=str:e2 3=u8:1 4=str:x 10{ 1{ 1{ 1=u32:1 } } } } => EINVAL 'msg="a listed tier needs at least one policy" attr=9 cookie=4:2'
# settings
raw SET_SETTINGS 10{ 5{ 1=str:abcdefghijklmnop } } => EINVAL 'msg="a workload prefix must be a NUL-terminated string of 1..15 bytes" attr=10/5/1'
raw SET_SETTINGS 10{ 5{ 1=str:a 1=str:b 1=str:c 1=str:d 1=str:e 1=str:f 1=str:g 1=str:h 1=str:i } } => EINVAL 'msg="STRATA_SET_A_WL_PREFIXES holds at most 8 prefixes" attr=10/5/1'
raw SET_SETTINGS 10{ 5{ 1{ } } } => EINVAL 'msg="STRATA_SET_A_WL_PREFIXES holds strings, not nests" attr=10/5/1'
raw SET_SETTINGS 10{ 9=u8:2 } => ERANGE 'msg="integer out of range" attr=10/9'
raw SET_SETTINGS 10{ 3=zero:25 } => EINVAL 'msg="array length is not a multiple of its element size" attr=10/3'
raw SET_SETTINGS 10{ 3=rep:65:060016000000000000000000000000000000000000000000 } => EINVAL 'msg="too many failsafe ports (at most 64 per direction)" attr=10/3'
raw SET_SETTINGS 10{ 3=hex:010016000000000000000000000000000000000000000000 } => EINVAL 'msg="failsafe protocol must be TCP, UDP or SCTP" attr=10 cookie=5:0'
raw SET_SETTINGS 10{ 15=u32:4000000000 } => ERANGE "msg=.a limit exceeds the module.s hard cap. attr=10 cookie=5:0$"
raw SET_SETTINGS 10{ 12=u16:0 } => ERANGE 'msg="integer out of range" attr=10/12'
raw SET_SETTINGS => EINVAL 'msg="STRATA_A_SETTINGS is required" miss=10'
# transactions and reads
commit => ENOENT 'msg="no transaction is open"'
raw GET_MEMBERS 8{ 1=u32:1 } => EOPNOTSUPP 'msg="STRATA_CMD_GET_MEMBERS is a dump: set NLM_F_DUMP"'
get policy 99 => ENOENT 'msg="no policy with this id or name" attr=7/1'
dump ipset name=nosuch => ENOENT 'msg="no IP set with this id or name"'
raw GET_TIER flags=dump 6{ 1=u32:1 2=str:t1 } => EINVAL 'msg="give STRATA_TIER_A_ID or STRATA_TIER_A_NAME, not both"'
unchanged off
digest-check base => ok
P

PROBE_PREFIX="image: "
probe <<'P'
flush
tier 1 name=t1 => ok
digest-save base
unchanged base
image tiers=3 policies=3 rules=2 ipsets=2 members=3 endpoints=3 case=bad-magic => EINVAL 'msg="not a Strata image (bad magic)"'
image tiers=3 case=bad-version => EPROTONOSUPPORT 'msg="unsupported image version"'
image tiers=3 case=header-len => EINVAL 'msg="bad image header length or flags"'
image tiers=3 case=header-flags => EINVAL 'msg="bad image header length or flags"'
image tiers=3 case=total-len => EINVAL 'msg="image length does not match its header"'
image tiers=3 case=truncated => EINVAL 'msg="image length does not match its header"'
image tiers=3 case=short => EINVAL 'msg="image shorter than its header"'
image tiers=3 case=nsections-huge => EINVAL 'msg="too many image sections"'
image tiers=3 policies=3 rules=2 ipsets=2 members=3 endpoints=3 case=table-past-end => EINVAL 'msg="too many image sections"'
image tiers=3 case=unknown-section => EINVAL 'msg="unknown image section type"'
image tiers=3 policies=3 case=dup-section => EINVAL 'msg="image section appears twice"'
image tiers=3 case=record-size => EINVAL 'msg="image section has the wrong record size"'
image tiers=3 case=misaligned => EINVAL 'msg="image section is not 8-byte aligned"'
image tiers=3 case=section-past-end => EINVAL 'msg="image section lies outside the image or over its header"'
image tiers=3 case=section-in-header => EINVAL 'msg="image section lies outside the image or over its header"'
image tiers=3 case=section-wrap => EINVAL 'msg="image section lies outside the image or over its header"'
image tiers=3 policies=3 case=section-overlap => EINVAL 'msg="image sections overlap"'
image tiers=3 case=section-huge => E2BIG 'msg="image section too large"'
image tiers=3 policies=3 rules=2 endpoints=3 case=range-past-pool => EINVAL 'msg="list range runs past its pool"'
image tiers=3 policies=3 rules=2 endpoints=3 case=range-overlap => EINVAL 'msg="two lists of the image share records"'
image tiers=3 policies=3 rules=2 endpoints=3 case=range-empty-off => EINVAL 'msg="empty list range with a non-zero offset"'
image tiers=3 case=dup-tier-id => EEXIST 'msg="an object with this id exists'
image tiers=3 case=dup-tier-name => EEXIST 'msg="another object of this kind has this name'
image tiers=3 case=name-no-nul => EINVAL 'msg="name is not NUL-terminated'
image tiers=3 case=name-empty => EINVAL 'msg="name is empty'
image tiers=3 case=name-space => EINVAL 'msg="name has a space or a non-printable character'
image tiers=3 case=tier-id-zero => EINVAL 'msg="tier id must not be 0"'
image tiers=3 case=tier-pad => EINVAL 'msg="tier padding is not zero"'
image tiers=3 case=tier-action => EINVAL 'msg="tier default action must be deny or pass'
image tiers=1 policies=1 rules=2 case=rule-action => EINVAL 'msg="rule action must be allow, deny, pass, log or reject'
image tiers=1 policies=1 rules=2 case=rule-present => EINVAL 'msg="unknown rule match flags'
image tiers=1 policies=1 rules=2 case=rule-pad => EINVAL 'msg="rule padding is not zero"'
image tiers=1 policies=1 rules=2 case=rule-ports-noproto => EINVAL 'msg="ports need protocol TCP, UDP or SCTP'
image tiers=1 policies=1 endpoints=2 case=bad-prefix => EINVAL 'msg="prefix has bits set beyond its length'
image tiers=1 policies=1 endpoints=2 case=prefix-family => EINVAL 'msg="prefix family must be 4 or 6'
image ipsets=2 members=3 case=member-len => EINVAL 'msg="address set members are full-length addresses'
image ipsets=2 members=3 case=set-kind => EINVAL 'msg="IP set kind must be addresses, networks or address+port'
image tiers=1 policies=1 endpoints=2 case=ep-kind => EINVAL 'msg="endpoint kind must be workload or host'
image tiers=1 policies=1 endpoints=2 case=ep-ifname => EINVAL 'msg="interface name is not NUL-terminated'
image tiers=1 policies=1 endpoints=2 case=ep-missing-tier => ENOENT 'msg="refers to a tier that does not exist'
image tiers=1 policies=1 endpoints=2 case=ep-missing-policy => ENOENT 'msg="refers to a policy that does not exist'
image tiers=3 case=limit-above-cap => ERANGE "msg=.a limit exceeds the module.s hard cap. gen="
image tiers=3 case=limit-below-count => ENOSPC 'msg="object limit reached'
image tiers=1 case=wl-prefixes => EINVAL 'msg="too many workload prefixes"'
image tiers=1 case=mark-accept => EINVAL 'msg="accept mark bits must lie within the mark mask"'
image tiers=1 case=settings-bool => EINVAL 'msg="boolean settings must be 0 or 1"'
image tiers=1 ioc=flags => EINVAL 'msg="flags and pad must be zero"'
image tiers=1 ioc=pad => EINVAL 'msg="flags and pad must be zero"'
image tiers=1 ioc=len0 => EINVAL 'msg="the image is empty"'
image tiers=1 ioc=fault => EFAULT 'msg="the image is not readable"'
image tiers=1 ioc=huge => E2BIG 'msg="the image is larger than the max_image_bytes module parameter"'
unchanged off
digest-check base => ok
image tiers=3 policies=3 rules=2 ipsets=2 members=3 endpoints=3 => ok "^errno=0 gen=[0-9]+$"
stats => ok "tiers=3 policies=3 rules=6 ipsets=2 members=6 endpoints=3"
P

bad=$(kmsg_since malformed-begin | grep -E 'WARNING|BUG|Call Trace' || true)
[ -z "$bad" ] || diag "$bad"
check_eq "no kernel warning from malformed input" "$bad" ""

ktap_finish
