#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Help and documented exit codes of the built programs: "stratactl --help"
# and, for every object it lists, "stratactl OBJ --help", "-h" and "help"
# exit 0 with a Usage line on standard output and nothing on standard
# error; an unknown object is a usage error (exit 1, the usage on standard
# error). "stratad --help" likewise, and every option it lists is in
# stratad(8) OPTIONS. Every exit code of userspace/cli/cli.h is documented
# in stratactl(8) EXIT STATUS, and nothing else is.
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
done

run "$CTL" nosuchobject
[ $rc = 1 ] && [ ! -s "$TMP/out" ] &&
	[ "$(head -n1 "$TMP/err")" = 'stratactl: unknown object "nosuchobject"' ] &&
	grep -q '^Usage: stratactl' "$TMP/err"
ok $? "stratactl nosuchobject: exit 1 ($rc), the usage on standard error"

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
