#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Transactions: 10,000 changes commit all together or not at all, a
# refused request (even one the attribute validation refuses, in a batch
# sent without waiting for acks) dooms the transaction, references are
# checked at commit, another socket gets EBUSY while a transaction is open,
# closing the owner's socket aborts it, and max_tx_ops caps its size.
#
#   init netns
#     |-- socket 1: TX_BEGIN ... (owner)
#     `-- socket 2: everything else gets EBUSY until socket 1 closes
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd strata-probe
engine_reset || { log_test "fresh module" 1; ktap_finish; }

PROBE_PREFIX="all-or-nothing: "
probe <<'P'
flush
tier 1 name=keep => ok
digest-save before
begin => ok
bulk tier 2 5001 => ok "n=5000"
bulk policy 1 4997 in=allow => ok "n=4997"
tier 2 name=again => EEXIST "an object with this id exists"
tier 9000 name=late => EINVAL "transaction failed earlier: abort it"
stats => ok "tiers=1 policies=0 .* tx=1"
commit => EINVAL "a request of this transaction was refused: nothing was committed"
digest-check before => ok
stats => ok "tiers=1 policies=0 rules=0 .* tx=0"
begin => ok
bulk tier 2 5001 => ok
bulk policy 1 4997 in=allow => ok
endpoint 1 name=dangling if=cali1 in=777777:1 => ok
commit => ENOENT 'msg="refers to a tier that does not exist" cookie=4:1'
digest-check before => ok
begin => ok
bulk tier 2 5001 => ok
bulk policy 1 4000 in=allow => ok
bulk endpoint 1 997 in=2:1+2/3:3 => ok
settings lograte=5 => ok
settings logburst=6 => ok
commit => ok "gen=[0-9]+$"
stats => ok "tiers=5001 policies=4000 rules=4000 ipsets=0 members=0 endpoints=997 .* tx=0"
getsettings => ok "lograte=5 logburst=6"
begin => ok
settings lograte=1 => ok
del tier 1 => ok
abort => ok
getsettings => ok "lograte=5 logburst=6"
get tier 1 => ok "name=keep"
commit => ENOENT 'msg="no transaction is open"'
abort => ENOENT 'msg="no transaction is open"'
P

PROBE_PREFIX="batched: "
probe <<'P'
digest-save b
batch
begin => ok
tier 20001 name=b1 => ok
raw NEW_TIER 6{ 1=u32:0 2=str:b0 } => ERANGE 'attr=6/1'
tier 20002 name=b2 => ok
commit => EINVAL "a request of this transaction was refused"
endbatch
digest-check b => ok
batch
begin => ok
tier 20001 name=b1 => ok
raw NEW_TIER flags=create 6{ 1=u32:20003 2=str:b3 } => EINVAL 'msg="ambiguous or reserved bits set in nlmsg_flags"'
commit => EINVAL "a request of this transaction was refused"
endbatch
digest-check b => ok
batch
begin => ok
tier 20001 name=b1 => ok
tier 20002 name=b2 => ok
commit => ok
endbatch
get tier 20002 => ok "name=b2"
P

PROBE_PREFIX="ownership: "
probe <<'P'
sock 1
begin => ok
tier 60070 name=in-tx => ok
sock 2
tier 60071 name=other => EBUSY "msg=.another socket.s transaction is open.$"
begin => EBUSY "another socket's transaction is open"
commit => EBUSY "the open transaction belongs to another socket"
abort => EBUSY "the open transaction belongs to another socket"
flush => EBUSY
settings lograte=3 => EBUSY
image tiers=2 => EBUSY 'msg="a transaction is open"'
get tier 60070 => ENOENT
stats => ok "tx=1"
sock 1
begin => EBUSY "this socket's transaction is already open"
close 1
sock 2
stats => ok "tx=0"
get tier 60070 => ENOENT
tier 60071 name=other => ok
sock 3
begin => ok
sock 4
tier 60072 name=blocked => EBUSY
sock 3
tier 60072 name=mine => ok
commit => ok
get tier 60072 => ok "name=mine"
P

PROBE_PREFIX="appending: "
probe <<'P'
begin => ok
policy 60300 name=big in=@1500 => ok
policy 60300 append in=@1500 => ok
policy 60300 append out=@1000 => ok
policy 60300 append in=@1000 => ok
commit => ok
get policy 60300 => EMSGSIZE "object too large for one reply: dump it"
dump policy 60300 => ok "^errno=0 count=1 first=60300 last=60300 rules=5000 msgs=([2-9]|[0-9]{2,}) "
policy 60301 name=x append in=allow => EINVAL "STRATA_POLICY_F_APPEND needs the transaction that created the policy"
begin => ok
policy 60300 append in=allow => ENOENT "rules can only be appended to a policy created in this transaction"
abort => ok
policy 60302 name=y append replace in=allow => EINVAL "cannot be combined with NLM_F_REPLACE"
P

# max_tx_ops: read per request
echo 10 >/sys/module/strata/parameters/max_tx_ops
PROBE_PREFIX="max_tx_ops=10: "
probe <<'P'
digest-save m
begin => ok
bulk tier 30001 30010 => ok "n=10"
tier 30011 name=one-too-many => ENOSPC 'msg="the transaction holds max_tx_ops changes already"'
commit => EINVAL "was refused"
digest-check m => ok
begin => ok
bulk tier 30001 30010 => ok
commit => ok
P
echo 1048576 >/sys/module/strata/parameters/max_tx_ops

ktap_finish
