#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bash completion for stratactl and stratad (userspace/completion/): the
# functions are sourced into this shell (without the bash-completion
# package) and called as bash calls them, with COMP_LINE/COMP_POINT and
# COMP_WORDS/COMP_CWORD, for a table of partial command lines; COMPREPLY
# must be exactly what is expected. Ids and names come from a stand-in
# stratactl that prints canned JSON; with the real one and no module,
# nothing is offered and nothing printed. Every object of "stratactl
# --help", every option of every subcommand's usage and every option of
# "stratad --help" must be offered, so new ones cannot be forgotten.
#
# Run by make unit (O= the build directory). Prints TAP.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$TOP/build}
BIN=$O/bin
for b in stratactl stratad; do
	[ -x "$BIN/$b" ] || { echo "1..0 # SKIP $BIN/$b is not built"; exit 0; }
done

TMP=$(mktemp -d /tmp/strata-completion.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0

ok()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# A stratactl that answers "-j KIND show" and "-j status endpoints" as a
# running kernel and daemon would (json-c's pretty format).
mkdir "$TMP/fake" "$TMP/files"
cat >"$TMP/fake/stratactl" <<'EOF'
#!/bin/sh
case "$*" in
"-j tier show")
	printf '[\n  {\n    "id":10,\n    "name":"security",\n    "default":"pass"\n  },\n  {\n    "id":20,\n    "name":"application",\n    "default":"deny"\n  }\n]\n' ;;
"-j policy show")
	printf '[\n  {\n    "id":21,\n    "name":"backend-api",\n    "ingress":[\n      {\n        "action":"allow",\n        "src":{\n          "sets":[\n            100\n          ]\n        }\n      }\n    ],\n    "egress":[\n    ]\n  }\n]\n' ;;
"-j ipset show")
	printf '[\n  {\n    "id":100,\n    "name":"frontends",\n    "family":4,\n    "kind":"addr",\n    "count":1,\n    "members":[\n      "10.65.0.10"\n    ]\n  }\n]\n' ;;
"-j endpoint show")
	printf '[\n  {\n    "id":1,\n    "name":"pod:shop/web-0",\n    "kind":"workload"\n  },\n  {\n    "id":2,\n    "name":"hep:eth0",\n    "kind":"host"\n  }\n]\n' ;;
"-j status endpoints")
	printf '[\n  {\n    "endpoint":"pod:shop/web-0",\n    "kind":"WorkloadEndpoint"\n  },\n  {\n    "endpoint":"hep:eth0",\n    "kind":"HostEndpoint"\n  }\n]\n' ;;
*)
	echo "unexpected: $*" >&2
	exit 1 ;;
esac
EOF
chmod +x "$TMP/fake/stratactl"
ln -s "$BIN/stratad" "$TMP/fake/stratad"
touch "$TMP/files/policy.yaml" "$TMP/files/pods.yaml" "$TMP/files/state.batch"
mkdir "$TMP/files/resources.d"

# shellcheck source=/dev/null
. "$TOP/userspace/completion/stratactl"
# shellcheck source=/dev/null
. "$TOP/userspace/completion/stratad"

# COMPREPLY for LINE (the cursor at its end), as one line of words.
comp()
{
	local line=$1 fn
	COMP_LINE=$line
	COMP_POINT=${#line}
	# COMP_WORDS as bash splits them: at blanks, and around ':' and '='
	local split=${line//:/ : }
	split=${split//=/ = }
	read -r -a COMP_WORDS <<<"$split"
	[[ $line == *[[:blank:]:=] ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	case $line in
	stratad*) fn=_stratad ;;
	*) fn=_stratactl ;;
	esac
	$fn stratactl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	echo "${COMPREPLY[*]}"
}

check()
{
	local got
	got=$(comp "$1" 2>"$TMP/stderr")
	if [ "$got" = "$2" ] && [ ! -s "$TMP/stderr" ]; then
		ok 0 "\"$1\" -> \"$2\""
	else
		echo "# got \"$got\"; stderr: $(cat "$TMP/stderr")"
		ok 1 "\"$1\" -> \"$2\""
	fi
}

OBJECTS="tier policy endpoint ipset settings show stats counters monitor flush batch load validate get compile select explain apply delete status version help"
PROTOS="tcp udp icmp icmpv6 sctp udplite"

cd "$TMP/files" || exit 1
PATH=$TMP/fake:$PATH

# objects and global options
check "stratactl " "$OBJECTS"
check "stratactl ti" "tier"
check "stratactl s" "settings show stats select status"
check "stratactl -" "-j --json -o -n --numeric -h --help -V --version"
check "stratactl --j" "--json"
check "stratactl -o " "text json"
check "stratactl -j ti" "tier"
check "stratactl -o json po" "policy"
check "stratactl nosuch " ""
# tier
check "stratactl tier " "add replace del show help"
check "stratactl tier add " "id name default"
check "stratactl tier add id 3 name x " "default"
check "stratactl tier add id 3 default " "deny pass"
check "stratactl tier replace id 3 default p" "pass"
check "stratactl tier del " "id name"
check "stratactl tier del id 10 " ""
check "stratactl tier del id " "10 20"
check "stratactl tier show name s" "security"
check "stratactl -j tier show id 2" "20"
# policy
check "stratactl policy " "add replace del show help"
check "stratactl policy add " "id name ingress egress"
check "stratactl policy add id 5 name web " "ingress egress"
check "stratactl policy add id 5 name web ingress " "allow deny pass log reject"
check "stratactl policy add id 5 name web ingress allow pro" "proto"
check "stratactl policy add id 5 name web ingress allow proto " "$PROTOS"
check "stratactl policy add id 5 ingress allow ip-version " "4 6"
check "stratactl policy add id 5 ingress allow src-set " "100"
check "stratactl policy add id 5 ingress allow dst-not-port-set " "100"
check "stratactl policy add id 5 ingress allow dport " ""
check "stratactl policy add id 5 ingress allow src-" \
	"src-net src-not-net src-set src-not-set src-port src-not-port src-port-set src-not-port-set"
check "stratactl policy add id 5 ingress allow dport 80 e" "egress"
check "stratactl policy del name " "backend-api"
check "stratactl policy show id " "21"
# endpoint
check "stratactl endpoint " "add replace del show help"
check "stratactl endpoint add id 3 name a " \
	"workload host iface addr spoof mark no-match profiles ingress egress untracked-ingress untracked-egress prednat-ingress forward-ingress forward-egress"
check "stratactl endpoint add id 3 name a workload iface lo " \
	"addr spoof mark no-match profiles ingress egress untracked-ingress untracked-egress prednat-ingress forward-ingress forward-egress"
check "stratactl endpoint add id 3 name a workload iface l" "lo"
check "stratactl endpoint add id 3 no-match " "allow deny"
check "stratactl endpoint add id 3 prednat-ingress " "tier"
check "stratactl endpoint add id 3 ingress tier " "10 20"
check "stratactl endpoint add id 3 ingress tier 10 " "policies"
check "stratactl endpoint add id 3 ingress tier 10 policies " "21"
check "stratactl endpoint add id 3 profiles " "21"
check "stratactl endpoint del name " "pod:shop/web-0 hep:eth0"
check "stratactl endpoint del name pod:shop/w" "shop/web-0"
# ipset
check "stratactl ipset " "add replace add-members del-members del show members help"
check "stratactl ipset add id 7 name x " "family kind members"
check "stratactl ipset add id 7 name x family " "4 6"
check "stratactl ipset add id 7 kind " "addr net addr-port"
check "stratactl ipset add-members " "id name exist members"
check "stratactl ipset del-members id 100 " "name exist members"
check "stratactl ipset add-members id " "100"
check "stratactl ipset members name " "frontends"
check "stratactl ipset members id 100 " ""
# settings
check "stratactl settings " "show set help"
check "stratactl settings set " \
	"mark-mask mark-accept failsafe-in failsafe-out wl-prefixes wl-to-host log-rate log-burst flow-rate flow-burst ct-invalid-drop allow-ipip allow-vxlan vxlan-port limit-tiers limit-policies limit-rules limit-ipsets limit-members limit-endpoints"
check "stratactl settings set wl-to-host " "drop accept return"
check "stratactl settings set wl-to-host drop allow-" "allow-ipip allow-vxlan"
check "stratactl settings set allow-ipip " "on off yes no true false 1 0"
check "stratactl settings set failsafe-in " "none"
check "stratactl settings set log-rate " ""
check "stratactl settings show " ""
# counters, monitor, show, stats, flush, version
check "stratactl counters " "show reset policy tier endpoint help"
check "stratactl counters reset " "policy tier endpoint"
check "stratactl counters reset tier " "10 20"
check "stratactl -n counters show endpoint " "1 2"
check "stratactl monitor " "config flows help"
check "stratactl monitor flows " "config"
check "stratactl monitor flows config " ""
check "stratactl show " "help"
check "stratactl version " "help"
check "stratactl flush now " ""
# files: batch, load, validate, compile, select, apply
check "stratactl batch -" "-c --check"
check "stratactl batch s" "state.batch"
check "stratactl batch " "pods.yaml policy.yaml resources.d state.batch -"
check "stratactl load -c s" "state.batch"
check "stratactl validate p" "pods.yaml policy.yaml"
check "stratactl validate -" "-q -o -f --filename"
check "stratactl validate -o " "text json"
check "stratactl compile -f pol" "policy.yaml"
check "stratactl compile --" "--filename --node --reject --felix --diff --apply --image"
check "stratactl compile --felix Def" "DefaultEndpointToHostAction="
check "stratactl compile --felix Allow" "AllowIPIPPacketsFromWorkloads= AllowVXLANPacketsFromWorkloads="
check "stratactl compile -o " "text json"
check "stratactl select " ""
check "stratactl select 'app == \"web\"' pol" "policy.yaml"
check "stratactl select -" "-f --filename -o"
check "stratactl apply -f p" "pods.yaml policy.yaml"
check "stratactl apply --" "--filename --dir --socket --timeout --no-wait"
check "stratactl apply --dir r" "resources.d"
check "stratactl delete --i" "--ignore-not-found"
# get
check "stratactl get " \
	"tier globalnetworkpolicy gnp networkpolicy np stagedglobalnetworkpolicy sgnp stagednetworkpolicy snp profile hostendpoint hep workloadendpoint wep globalnetworkset gns networkset netset all"
check "stratactl get g" "globalnetworkpolicy gnp globalnetworkset gns"
check "stratactl get -n shop w" "workloadendpoint wep"
check "stratactl get gnp " ""
check "stratactl get gnp -o " "yaml json wide table"
check "stratactl get gnp -" "-n --namespace -A --all-namespaces -f --filename -o --socket"
check "stratactl get gnp -f p" "pods.yaml policy.yaml"
# explain
check "stratactl explain --proto " "$PROTOS"
check "stratactl explain --ct " "new established related invalid"
check "stratactl explain --from " "pod:shop/web-0 hep:eth0"
check "stratactl explain --from pod:shop/w" "shop/web-0"
check "stratactl explain --from pod:shop/web-0 --to h" "hep:eth0"
check "stratactl explain --iif l" "lo"
check "stratactl explain --felix VX" "VXLANPort="
check "stratactl explain -o " "text json"
check "stratactl explain --dport " ""
check "stratactl explain --i" "--icmp-type --icmp-code --iif"
# status
check "stratactl status " "endpoints endpoint wait help"
check "stratactl status --socket /run/x.sock " "endpoints endpoint wait help"
check "stratactl status wait " ""
check "stratactl status endpoint " "pod:shop/web-0 hep:eth0"
check "stratactl status endpoint h" "hep:eth0"
check "stratactl status endpoint pod:" "shop/web-0"
check "stratactl status endpoint shop/web-0 --" "--socket --wait --timeout"
# stratad
check "stratad -" "-c --config -o --node --datastore --directory --log-level --dry-run --check-config --print-config -V --version -h --help"
check "stratad --datastore " "directory kubernetes etcd"
check "stratad --datastore k" "kubernetes"
check "stratad --log-level d" "debug"
check "stratad -o co" "coalesce="
check "stratad -o kube_c" "kube_context= kube_consistent_list="
check "stratad -o datastore=k" "kubernetes"
check "stratad -o deny_action=" "drop reject"
check "stratad -o workload_routes=t" "true"
check "stratad -o fel" "felix."
check "stratad -c s" "state.batch"
check "stratad --directory " "resources.d"

# -o offers every key stratad --print-config lists, and felix.
keys=$("$BIN/stratad" --print-config -c /dev/null | sed 's/ = .*/=/' | tr '\n' ' ')
check "stratad -o " "${keys}felix."

# every object of stratactl --help, and every option of each usage
objs=$("$BIN/stratactl" --help | sed -n '/^OBJECT :=/,$p' | sed -n 's/^  \([a-z]*\) .*/\1/p')
[ -n "$objs" ]
ok $? "stratactl --help lists objects"
all=" $(comp "stratactl ") "
for o in $objs; do
	case $all in
	*" $o "*) ok 0 "object $o is offered" ;;
	*) ok 1 "object $o is offered" ;;
	esac
	# the options after "stratactl OBJ" in its usage (not the global ones
	# before it, not "(-n: ...)" notes)
	opts=$("$BIN/stratactl" "$o" --help | grep -v '^(' |
		sed "s/^.*stratactl \(\[ [^]]* \] \)*$o\b//" |
		grep -oE '(^|[][ {|(])--?[A-Za-z0-9][A-Za-z0-9-]*' |
		sed 's/^[][ {|(]//' | sort -u |
		grep -vxE -- '-j|--json|-h|--help|-V|--version')
	[ -n "$opts" ] || continue
	offered=" $(comp "stratactl $o -") "
	missing=
	for x in $opts; do
		case $offered in
		*" $x "*) ;;
		*) missing="$missing $x" ;;
		esac
	done
	[ -z "$missing" ]
	ok $? "stratactl $o: every option of its usage is offered${missing:+ (missing:$missing)}"
done

# get's KINDs as its usage lists them
kinds=$("$BIN/stratactl" get --help | sed -n '/^KIND :=/,/}/p' | tr -d '{}|' |
	sed 's/KIND :=//' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
check "stratactl get " "$kinds"

# stratad --help's options
opts=$("$BIN/stratad" --help | grep -oE '(^|[][ {|(])--?[A-Za-z0-9][A-Za-z0-9-]*' |
	sed 's/^[][ {|(]//' | sort -u)
offered=" $(comp "stratad -") "
missing=
for x in $opts; do
	case $offered in
	*" $x "*) ;;
	*) missing="$missing $x" ;;
	esac
done
[ -z "$missing" ]
ok $? "stratad: every option of its usage is offered${missing:+ (missing:$missing)}"

# the real stratactl with no module: nothing offered, nothing printed, soon
PATH=$BIN:${PATH#"$TMP/fake:"}
if ! "$BIN/stratactl" -j tier show >/dev/null 2>&1; then
	start=$(date +%s%N)
	check "stratactl tier del id " ""
	check "stratactl status endpoint " ""
	check "stratactl explain --from " ""
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -lt 5000 ]
	ok $? "without the module and the daemon: answered in $ms ms"
fi

echo "1..$n"
[ "$failed" = 0 ]
