#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Help and documented exit codes of the built programs: "stratactl --help"
# and, for every object it lists, "stratactl OBJ --help", "-h" and "help"
# exit 0 with a Usage line on standard output and nothing on standard
# error; an unknown object is a usage error (exit 1, the usage on standard
# error). "-h" or "--help" after other arguments ("stratactl get gnp -o
# wide --help") prints the same usage, except where it is the value of a
# name, path or interface ("tier add id 1 name -h" names the tier "-h").
# Every object is in stratactl(8)'s SYNOPSIS and has a synopsis line
# (".B stratactl OBJECT") in its section. "stratad --help" likewise, and
# every option it lists is in stratad(8) OPTIONS. Every exit code of
# userspace/cli/cli.h is documented in stratactl(8) EXIT STATUS, and
# nothing else is.
#
# Run by make unit (O= the build directory). Prints TAP.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$TOP/build}
CTL=$O/bin/stratactl
D=$O/bin/stratad
for b in "$CTL" "$D"; do
	[ -x "$b" ] || { echo "1..0 # SKIP $b is not built"; exit 0; }
done
TMP=$(mktemp -d /tmp/strata-help.XXXXXX)
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

# run PROG ARGS...: $rc, $TMP/out, $TMP/err
run()
{
	"$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
}

# help_ok DESC PROG ARGS...: exit 0, "Usage: PROG..." first, no stderr
help_ok()
{
	local desc=$1 prog
	shift
	prog=$(basename "$1")
	run "$@"
	if [ $rc = 0 ] && head -n1 "$TMP/out" | grep -q "^Usage: $prog" &&
		[ ! -s "$TMP/err" ]; then
		ok 0 "$desc"
	else
		echo "# exit $rc; stdout: $(head -n1 "$TMP/out"); stderr: $(head -n1 "$TMP/err")"
		ok 1 "$desc"
	fi
}

help_ok "stratactl --help" "$CTL" --help
help_ok "stratactl -h" "$CTL" -h
help_ok "stratactl help" "$CTL" help
objs=$(sed -n '/^OBJECT :=/,$p' "$TMP/out" | sed -n 's/^  \([a-z]*\) .*/\1/p')
count=$(echo $objs | wc -w)
[ "$count" -ge 20 ]
ok $? "stratactl --help lists $count objects"
for o in $objs; do
	help_ok "stratactl $o --help" "$CTL" "$o" --help
	usage=$(cat "$TMP/out")
	grep -q "^Usage: stratactl .*$o\b" "$TMP/out"
	ok $? "stratactl $o --help: its Usage names $o"
	help_ok "stratactl $o -h" "$CTL" "$o" -h
	[ "$(cat "$TMP/out")" = "$usage" ]
	ok $? "stratactl $o -h: the same text"
	help_ok "stratactl $o help" "$CTL" "$o" help
	[ "$(cat "$TMP/out")" = "$usage" ]
	ok $? "stratactl $o help: the same text"
	help_ok "stratactl $o x --help" "$CTL" "$o" x --help
	[ "$(cat "$TMP/out")" = "$usage" ]
	ok $? "stratactl $o x --help: the same text"
	help_ok "stratactl $o x y -h" "$CTL" "$o" x y -h
	[ "$(cat "$TMP/out")" = "$usage" ]
	ok $? "stratactl $o x y -h: the same text"
done

# help after real arguments: the subcommand's usage, nothing done
cd "$TMP" || exit 1
while read -r obj args; do
	# shellcheck disable=SC2086 # the words of $args
	help_ok "stratactl $obj $args" "$CTL" $obj $args
	grep -q "^Usage: stratactl .*$obj\b" "$TMP/out"
	ok $? "stratactl $obj $args: the usage of $obj"
done <<'LIST'
get gnp --help
get gnp -o wide -A --help
get tier default -n shop -h
compile -f x --help
compile x --node node-1 --apply -h
select app=='x' -f x --help
validate -q -f x -h
apply -f x --no-wait --help
delete x --ignore-not-found -h
status endpoint pod:a/b --wait --help
status wait --timeout 5 -h
explain --from a/b --to c/d --dport 80 --help
tier add id 1 name x --help
tier del name -h -h
policy add id 1 name x ingress allow -h
endpoint add id 1 name x workload iface cali1 --help
ipset show name x -h
settings set log-rate 5 --help
counters policy 5 -h
monitor flows --help
batch -c x -h
load x --help
LIST

# "-h" or "--help" as the value of a name, a path or an interface is that
# value: the command runs (and fails here, for another reason)
while IFS='|' read -r want_rc want_err args; do
	# shellcheck disable=SC2086 # the words of $args
	run "$CTL" $args
	[ "$rc" = "$want_rc" ] && [ "$(head -n1 "$TMP/err")" = "$want_err" ] &&
		! grep -q '^Usage:' "$TMP/out"
	ok $? "stratactl $args: exit $rc ($want_rc), $(head -n1 "$TMP/err")"
done <<'LIST'
2|stratactl: default "bogus": expected deny or pass|tier add id 1 name -h default bogus
2|stratactl: default "bogus": expected deny or pass|tier add id 1 name --help default bogus
2|stratactl: members "bogus" is not an IPv4 or IPv6 address|ipset add-members name -h members bogus
2|stratactl: mark "bogus" is not a number|endpoint add id 1 name -h workload iface --help mark bogus
2|stratactl: log-rate "bogus" is not a number|settings set wl-prefixes -h log-rate bogus
2|-h: cannot open: No such file or directory|apply -f -h --no-wait --dir .
2|--help: cannot open: No such file or directory|delete --filename --help --no-wait --dir .
2|-h: No such file or directory|validate -f -h
2|-h: No such file or directory|get tier -f -h
3|stratactl: stratad is not reachable at --help: No such file or directory|get tier --socket --help
3|stratactl: stratad is not reachable at -h: No such file or directory|status endpoint pod:a/b --socket -h
3|stratactl: stratad is not reachable at -h: No such file or directory|apply -f /dev/null --socket -h
LIST
cd "$TOP" || exit 1

run "$CTL" nosuchobject
[ $rc = 1 ] && [ ! -s "$TMP/out" ] &&
	[ "$(head -n1 "$TMP/err")" = 'stratactl: unknown object "nosuchobject"' ] &&
	grep -q '^Usage: stratactl' "$TMP/err"
ok $? "stratactl nosuchobject: exit 1 ($rc), the usage on standard error"

# every object has its place in stratactl(8): in SYNOPSIS's OBJECT list,
# and a synopsis line ".B stratactl OBJECT" in its section
page="$TOP/userspace/man/stratactl.8"
synopsis=$(sed -n '/^\.IR OBJECT " := { "$/,/^\.SH /p' "$page" |
	sed -n 's/"[^"]*"/ /g; s/^\.BR\{0,1\} //p' | tr '\n' ' ')
for o in $objs; do
	echo " $synopsis " | grep -q " $o "
	ok $? "stratactl(8) SYNOPSIS lists $o"
	grep -q "^\.B stratactl $o\( \|\$\)" "$page"
	ok $? "stratactl(8) has a synopsis line for $o"
done

help_ok "stratad --help" "$D" --help
dusage=$(cat "$TMP/out")
help_ok "stratad -h" "$D" -h
run "$D" --nosuch
[ $rc = 1 ] && [ "$(head -n1 "$TMP/err")" = 'stratad: unknown option "--nosuch"' ] &&
	grep -q '^Usage: stratad' "$TMP/err"
ok $? "stratad --nosuch: exit 1 ($rc), the usage on standard error"
run "$D" --version
[ $rc = 0 ] && grep -q '^stratad [0-9]' "$TMP/out"
ok $? "stratad --version"

# every option of stratad's usage is in stratad(8) OPTIONS
opts=$(echo "$dusage" | grep -oE '(^|[][ {|(])--?[A-Za-z0-9][A-Za-z0-9-]*' |
	sed 's/^[][ {|(]//' | sort -u)
options=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$TOP/userspace/man/stratad.8" |
	sed 's/\\-/-/g')
for x in $opts; do
	echo "$options" | grep -qE "^\.(B|BR|BI) \"?([^ ]+ \", \" )?$x( |\"|\$)"
	ok $? "stratad(8) OPTIONS documents $x"
done

# exit codes: cli.h's enum = stratactl(8) EXIT STATUS
codes=$(sed -n 's/^[[:blank:]]*EXIT_[A-Z]* = \([0-9]*\),$/\1/p' "$TOP/userspace/cli/cli.h" |
	sort -n | tr '\n' ' ')
documented=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$TOP/userspace/man/stratactl.8" |
	sed -n '/^\.TP$/{n;s/^\.B \([0-9]*\)$/\1/p}' | sort -n | tr '\n' ' ')
[ -n "$codes" ] && [ "$codes" = "$documented" ]
ok $? "stratactl(8) EXIT STATUS documents exactly cli.h's codes ($codes/ $documented)"
exit_section=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$TOP/userspace/man/stratactl.8")
for w in stratad apply status get; do
	echo "$exit_section" | grep -q "$w"
	ok $? "stratactl(8) EXIT STATUS mentions $w"
done

echo "1..$n"
[ "$failed" = 0 ]
