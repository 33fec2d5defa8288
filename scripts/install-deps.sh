#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package Strata's build, tests and demo need.
# Idempotent and quick when everything is present: it asks dpkg first and
# only runs apt-get for what is missing.
set -eu

PKGS="
build-essential make gcc pkg-config git kmod cpio xz-utils
linux-headers-amd64 linux-image-amd64 linux-source-6.1
qemu-system-x86 busybox-static
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
libcmocka-dev uthash-dev libyaml-dev libjson-c-dev libcurl4-openssl-dev
libsystemd-dev libgnutls28-dev libnghttp2-dev
dkms iproute2 iptables nftables ipset conntrack ethtool
iputils-ping netcat-openbsd socat tcpdump procps util-linux
valgrind clang-format
etcd-server etcd-client openssl
"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
