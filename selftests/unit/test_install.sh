#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install and make uninstall (the top Makefile) into a temporary
# DESTDIR: the exact list of files and their modes, PREFIX honoured (the
# unit's ExecStart follows it), the example configuration installed as
# /etc/strata/stratad.conf only when there is none and accepted by the
# installed stratad, the unit verified by systemd-analyze (when there is
# one) with the installed manual pages, the manual pages free of groff
# warnings, the completion loadable; uninstall removes everything but a
# changed configuration.
#
# Run by make unit (O= the build directory). Prints TAP.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$TOP/build}
[ -x "$O/bin/stratad" ] || { echo "1..0 # SKIP $O/bin/stratad is not built"; exit 0; }
TMP=$(mktemp -d /tmp/strata-install.XXXXXX)
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

# mk TARGET DESTDIR [VAR=VALUE]...: make quietly; its output in $TMP/make
mk()
{
	local target=$1 dest=$2
	shift 2
	make --no-print-directory -s -C "$TOP" O="$O" BUILD="$O" \
		"$target" DESTDIR="$dest" "$@" >"$TMP/make" 2>&1
}

# "MODE PATH" of every file and link under $1, sorted
files()
{
	(cd "$1" && find . \( -type f -o -type l \) -printf '%m %p\n' | sed 's|^\([0-7]*\) \./|\1 /|' | sort -k2)
}

D=$TMP/root
mk install "$D"
ok $? "make install DESTDIR=... exits 0"
expected="644 /etc/strata/stratad.conf
644 /usr/local/lib/systemd/system/stratad.service
755 /usr/local/sbin/stratactl
755 /usr/local/sbin/stratad
644 /usr/local/share/bash-completion/completions/stratactl
644 /usr/local/share/bash-completion/completions/stratad
644 /usr/local/share/doc/strata/stratad.conf.example
644 /usr/local/share/man/man5/stratad.conf.5
644 /usr/local/share/man/man8/stratactl.8
644 /usr/local/share/man/man8/stratad.8"
got=$(files "$D")
[ "$got" = "$expected" ]
ok $? "the files installed, with their modes"
[ "$got" = "$expected" ] || diff <(echo "$expected") <(echo "$got") | sed 's/^/# /'
[ -d "$D/etc/strata/resources.d" ]
ok $? "the directory datastore's directory exists"
cmp -s "$D/etc/strata/stratad.conf" "$TOP/userspace/daemon/stratad.conf.example"
ok $? "/etc/strata/stratad.conf is the example"
cmp -s "$D/usr/local/sbin/stratad" "$O/bin/stratad" &&
	cmp -s "$D/usr/local/sbin/stratactl" "$O/bin/stratactl"
ok $? "the binaries are the ones built"
unit=$D/usr/local/lib/systemd/system/stratad.service
[ "$(grep '^ExecStart=' "$unit")" = "ExecStart=/usr/local/sbin/stratad" ]
ok $? "the unit runs /usr/local/sbin/stratad"
for k in Type=notify Restart=on-failure RuntimeDirectory=strata \
	RuntimeDirectoryPreserve=yes KillMode=mixed \
	CapabilityBoundingSet=CAP_NET_ADMIN WantedBy=multi-user.target; do
	grep -qx "$k" "$unit"
	ok $? "the unit has $k"
done
! grep -q '@[A-Z]*@' "$unit"
ok $? "the unit has no placeholder left"

# the installed stratad takes the installed configuration
out=$(NODENAME=node-1 "$D/usr/local/sbin/stratad" -c "$D/etc/strata/stratad.conf" --check-config 2>&1)
[ "$out" = "stratad: the configuration is valid" ]
ok $? "stratad --check-config takes the example ($out)"
a=$(NODENAME=node-1 "$D/usr/local/sbin/stratad" -c "$D/etc/strata/stratad.conf" --print-config)
b=$(NODENAME=node-1 "$D/usr/local/sbin/stratad" -c /dev/null --print-config)
[ -n "$a" ] && [ "$a" = "$b" ]
ok $? "the example changes nothing (--print-config as without a file)"
sed 's/^#\([a-z][a-z_.A-Za-z]* = \)/\1/' "$D/etc/strata/stratad.conf" >"$TMP/all.conf"
out=$(NODENAME=node-1 "$D/usr/local/sbin/stratad" -c "$TMP/all.conf" --check-config 2>&1)
[ "$out" = "stratad: the configuration is valid" ]
ok $? "every line of the example uncommented is valid ($out)"

# the manual pages: no groff warnings; the unit: systemd-analyze verify
for m in man8/stratactl.8 man8/stratad.8 man5/stratad.conf.5; do
	w=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$D/usr/local/share/man/$m" 2>&1 >/dev/null)
	[ -z "$w" ]
	ok $? "$m renders without warnings${w:+: $w}"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	# ExecStart must exist: point it into DESTDIR
	sed "s|=/usr/local/sbin/|=$D/usr/local/sbin/|" "$unit" >"$TMP/stratad.service"
	out=$(MANPATH=$D/usr/local/share/man SYSTEMD_LOG_LEVEL=warning \
		systemd-analyze verify "$TMP/stratad.service" 2>&1)
	[ -z "$out" ]
	ok $? "systemd-analyze verify: clean${out:+: $out}"
else
	echo "# systemd-analyze is not installed"
fi
for c in stratactl stratad; do
	bash --norc -c ". '$D/usr/local/share/bash-completion/completions/$c' && complete -p $c" >"$TMP/c" 2>&1
	grep -q "complete -F _$c $c" "$TMP/c"
	ok $? "the completion for $c loads"
done

# a configuration that exists is kept
echo "datastore = kubernetes" >"$D/etc/strata/stratad.conf"
mk install "$D"
ok $? "make install again"
[ "$(cat "$D/etc/strata/stratad.conf")" = "datastore = kubernetes" ] &&
	grep -q "^keeping $D/etc/strata/stratad.conf" "$TMP/make"
ok $? "an existing /etc/strata/stratad.conf is kept, and said so"
[ "$(files "$D")" = "$expected" ]
ok $? "the same files"

# uninstall keeps the changed configuration, removes the rest
mk uninstall "$D"
ok $? "make uninstall exits 0"
[ "$(files "$D")" = "644 /etc/strata/stratad.conf" ] &&
	grep -q "^keeping $D/etc/strata/stratad.conf (changed)" "$TMP/make"
ok $? "uninstall keeps only the changed configuration"
rm "$D/etc/strata/stratad.conf"
mk install "$D" && mk uninstall "$D"
ok $? "install and uninstall again"
[ -z "$(files "$D")" ] && [ ! -e "$D/etc/strata" ]
ok $? "nothing is left, not even /etc/strata"
mk uninstall "$D"
ok $? "uninstall when nothing is installed"

# PREFIX=/usr
D=$TMP/usr
mk install "$D" PREFIX=/usr
ok $? "make install PREFIX=/usr"
got=$(files "$D" | awk '{print $2}' | tr '\n' ' ')
[ "$got" = "/etc/strata/stratad.conf /usr/lib/systemd/system/stratad.service /usr/sbin/stratactl /usr/sbin/stratad /usr/share/bash-completion/completions/stratactl /usr/share/bash-completion/completions/stratad /usr/share/doc/strata/stratad.conf.example /usr/share/man/man5/stratad.conf.5 /usr/share/man/man8/stratactl.8 /usr/share/man/man8/stratad.8 " ]
ok $? "PREFIX=/usr: the files under /usr ($got)"
[ "$(grep '^ExecStart=' "$D/usr/lib/systemd/system/stratad.service")" = "ExecStart=/usr/sbin/stratad" ]
ok $? "PREFIX=/usr: the unit runs /usr/sbin/stratad"
mk uninstall "$D" PREFIX=/usr && [ -z "$(files "$D")" ]
ok $? "PREFIX=/usr: uninstall removes everything"

echo "1..$n"
[ "$failed" = 0 ]
