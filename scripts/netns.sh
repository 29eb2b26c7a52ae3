#!/usr/bin/env bash
# The validators of docker-compose.yml as separate hosts on one Linux machine, without Docker:
# one network namespace per validator, each joined by a veth pair to one bridge in the root
# namespace. The bridge carries an address too, so this host reaches every node's RPC the way
# Docker's published ports let it. Needs root and iproute2 (scripts/setup.sh installs it).
#
# client/tests/network.rs runs the nodes and uses this script for the network only (up, down,
# partition, heal, sweep). By hand (docs/NETWORK.md):
#
#   sudo scripts/netns.sh up dev 4          # namespaces medshare-dev-1..4 on 10.44.X.1..4
#   sudo scripts/netns.sh start dev         # the compose services, in file order, one per namespace
#   sudo scripts/netns.sh partition dev "1 2" "3 4"
#   sudo scripts/netns.sh heal dev
#   sudo scripts/netns.sh down dev          # stops the nodes, deletes namespaces and bridge
#
# Commands:
#   up TAG COUNT [OCTET]   bridge msbr-TAG at 10.44.X.254/24 and namespaces medshare-TAG-1..COUNT
#                          at 10.44.X.1..COUNT (IPv4 only), X the first subnet this host does not
#                          use from OCTET (default 1) on. Prints the prefix (10.44.X).
#   down TAG               kills every process left in the namespaces, deletes them and the bridge.
#   partition TAG "A" "B"  drops every packet between the nodes of group A and those of group B
#                          (1-based node numbers), both ways, with blackhole routes inside the
#                          namespaces. This host still reaches all nodes.
#   heal TAG               removes every blackhole route.
#   addr TAG N             prints node N's address.
#   start TAG [DIR]        starts the compose file's services, node N in namespace N, with the
#                          compose flags; only --base-path (DIR/<service>, default
#                          /tmp/medshare-net-TAG) and /dns/<service>/ in bootnode addresses
#                          (that service's address) are rewritten. Logs in DIR/<service>.log.
#   stop TAG [DIR]         interrupts the nodes `start` started.
#   sweep                  runs `down` for the leftovers of test runs (numeric TAG, the test's
#                          process id) whose process no longer exists.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

die() { echo "netns.sh: $*" >&2; exit 1; }
check_tag() {
	[[ "$1" =~ ^[A-Za-z0-9]{1,8}$ ]] || die "TAG must be 1 to 8 letters or digits (interface names are at most 15 bytes): $1"
}
bridge() { echo "msbr-$1"; }
namespace() { echo "medshare-$1-$2"; }
namespaces() { ip netns list | awk '{print $1}' | grep -E "^medshare-$1-[0-9]+$" || true; }
node_count() { namespaces "$1" | wc -l; }
prefix_of() {
	local address
	address="$(ip -4 -o addr show dev "$(bridge "$1")" 2>/dev/null | awk '{print $4}' | head -n1)"
	[ -n "$address" ] || die "no network $1 (run: $0 up $1 COUNT)"
	echo "${address%.*}"
}

cmd_up() {
	local tag="$1" count="$2" octet="${3:-}"
	check_tag "$tag"
	[[ "$count" =~ ^[0-9]+$ ]] && ((count >= 1 && count <= 250)) || die "COUNT must be 1..250: $count"
	command -v ip >/dev/null || die "ip (iproute2) is not installed"
	[ "$(id -u)" -eq 0 ] || die "network namespaces need root"
	ip link show "$(bridge "$tag")" >/dev/null 2>&1 && die "network $tag exists already (run: $0 down $tag)"
	# The first 10.44.X.0/24 this host does not use, from OCTET on (so that concurrent runs,
	# which pass different OCTETs, do not race for the same one).
	[[ "${octet:-1}" =~ ^[0-9]+$ ]] && ((${octet:-1} >= 1 && ${octet:-1} <= 250)) || die "OCTET must be 1..250: $octet"
	local used first="${octet:-1}"
	octet=""
	used="$( (ip -4 -o addr show; ip -4 route show) 2>/dev/null | grep -oE '10\.44\.[0-9]+\.' | sort -u || true)"
	for step in $(seq 0 249); do
		local candidate=$(((first - 1 + step) % 250 + 1))
		grep -qx "10\.44\.$candidate\." <<<"$used" || { octet="$candidate"; break; }
	done
	[ -n "$octet" ] || die "every 10.44.X.0/24 is in use on this host"
	local prefix="10.44.$octet" br
	br="$(bridge "$tag")"
	# On failure half way, leave nothing behind.
	trap 'cmd_down "$tag" >/dev/null 2>&1 || true' ERR
	ip link add "$br" type bridge
	# Hosts with Docker set br_netfilter and a FORWARD policy of DROP, which would drop bridged
	# frames between the namespaces; this bridge is not filtered.
	ip link set "$br" type bridge nf_call_iptables 0 nf_call_ip6tables 0 2>/dev/null || true
	ip addr add "$prefix.254/24" dev "$br"
	ip link set "$br" up
	for n in $(seq 1 "$count"); do
		local ns veth
		ns="$(namespace "$tag" "$n")"
		veth="msv-$tag-$n"
		ip netns add "$ns"
		ip link add "$veth" type veth peer name eth0 netns "$ns"
		ip link set "$veth" master "$br" up
		ip -n "$ns" addr add "$prefix.$n/24" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" link set lo up
		# IPv4 only, so that a partition (blackhole routes, IPv4) leaves no path open.
		ip netns exec "$ns" sh -c 'for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 /proc/sys/net/ipv6/conf/default/disable_ipv6; do [ ! -e "$f" ] || echo 1 >"$f"; done'
	done
	trap - ERR
	echo "$prefix"
}

cmd_down() {
	local tag="$1"
	check_tag "$tag"
	for ns in $(namespaces "$tag"); do
		local pids
		pids="$(ip netns pids "$ns" 2>/dev/null || true)"
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
		# The host end first: a namespace's own end goes when the kernel frees the namespace,
		# which may be a moment after `ip netns del`.
		ip link del "msv-$tag-${ns##*-}" 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	ip link del "$(bridge "$tag")" 2>/dev/null || true
}

# The node numbers of a group, checked.
group() {
	local tag="$1" count
	count="$(node_count "$tag")"
	for n in $2; do
		[[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= count)) || die "no node $n in network $tag (1..$count)"
		echo "$n"
	done
}

cmd_partition() {
	local tag="$1" prefix a b
	check_tag "$tag"
	prefix="$(prefix_of "$tag")"
	local group_a group_b
	group_a="$(group "$tag" "$2")"
	group_b="$(group "$tag" "$3")"
	[ -n "$group_a" ] && [ -n "$group_b" ] || die "partition needs two non-empty groups"
	for a in $group_a; do
		for b in $group_b; do
			[ "$a" != "$b" ] || die "node $a is in both groups"
			ip -n "$(namespace "$tag" "$a")" route replace blackhole "$prefix.$b/32"
			ip -n "$(namespace "$tag" "$b")" route replace blackhole "$prefix.$a/32"
		done
	done
}

cmd_heal() {
	local tag="$1"
	check_tag "$tag"
	for ns in $(namespaces "$tag"); do
		ip -n "$ns" route show type blackhole | awk '{print $2}' | while read -r destination; do
			ip -n "$ns" route del blackhole "$destination"
		done
	done
}

cmd_addr() {
	check_tag "$1"
	echo "$(prefix_of "$1").$2"
}

# The services of docker-compose.yml that have a command list, in file order.
compose_services() {
	awk '/^services:/ {s=1; next} s && /^[^ #]/ {s=0} s && /^  [A-Za-z0-9_-]+:[ ]*$/ {name=$1; sub(/:$/, "", name); print name}' \
		"$root/docker-compose.yml"
}

# One service's command list, one argument a line.
compose_command() {
	awk -v service="$1" '
		$0 ~ "^  " service ":[ ]*$" {inside=1; next}
		inside && /^  [^ ]/ {inside=0}
		inside && /^    command:/ {list=1; next}
		inside && list && /^      - / {sub(/^      - /, ""); print; next}
		list {list=0}
	' "$root/docker-compose.yml"
}

cmd_start() {
	local tag="$1" dir="${2:-/tmp/medshare-net-$1}" prefix binary
	check_tag "$tag"
	prefix="$(prefix_of "$tag")"
	. "$here/env.sh"
	binary="${MEDSHARE_NODE:-$CARGO_TARGET_DIR/debug/medshare-node}"
	[ -x "$binary" ] || die "$binary does not exist: cargo build -p medshare-node (after . scripts/env.sh)"
	# The local chain takes a ceremony's keys, as the compose services do from ./ceremony.
	export MEDSHARE_CEREMONY_KEYS="${MEDSHARE_CEREMONY_KEYS:-$root/ceremony/verifying-keys.json}"
	[ -f "$MEDSHARE_CEREMONY_KEYS" ] || die "$MEDSHARE_CEREMONY_KEYS does not exist: run scripts/ceremony.sh first (docs/CEREMONY.md)"
	mkdir -p "$dir"
	local services=() n=0
	mapfile -t services < <(compose_services)
	((${#services[@]} <= $(node_count "$tag"))) || die "${#services[@]} services but only $(node_count "$tag") namespaces"
	for service in "${services[@]}"; do
		n=$((n + 1))
		local args=() arg
		while IFS= read -r arg; do
			case "$arg" in
			--base-path=*) arg="--base-path=$dir/$service" ;;
			esac
			local i=0
			for other in "${services[@]}"; do
				i=$((i + 1))
				arg="${arg//\/dns\/$other\//\/ip4\/$prefix.$i\/}"
			done
			args+=("$arg")
		done < <(compose_command "$service")
		((${#args[@]})) || continue
		echo "[netns] $service in $(namespace "$tag" "$n") ($prefix.$n): medshare-node ${args[*]}"
		ip netns exec "$(namespace "$tag" "$n")" "$binary" "${args[@]}" >>"$dir/$service.log" 2>&1 &
		echo $! >"$dir/$service.pid"
	done
	echo "[netns] RPC: ws://$prefix.1:9944 .. ws://$prefix.$n:9944; logs in $dir"
}

cmd_stop() {
	local tag="$1" dir="${2:-/tmp/medshare-net-$1}"
	check_tag "$tag"
	for pidfile in "$dir"/*.pid; do
		[ -e "$pidfile" ] || continue
		kill -INT "$(cat "$pidfile")" 2>/dev/null || true
		rm -f "$pidfile"
	done
}

cmd_sweep() {
	local tags
	tags="$(ip netns list 2>/dev/null | awk '{print $1}' | sed -nE 's/^medshare-([0-9]+)-[0-9]+$/\1/p' | sort -u)"
	for tag in $tags; do
		if [ ! -d "/proc/$tag" ]; then
			echo "[netns] removing network $tag, left by process $tag which has exited" >&2
			cmd_down "$tag"
		fi
	done
	# Bridges whose namespaces are already gone.
	for br in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | sed -nE 's/^msbr-([0-9]+)(@.*)?$/\1/p'); do
		[ -d "/proc/$br" ] || ip link del "msbr-$br" 2>/dev/null || true
	done
}

command="${1:-}"
shift || true
case "$command" in
up) (($# >= 2)) || die "usage: $0 up TAG COUNT [OCTET]"; cmd_up "$@" ;;
down) (($# == 1)) || die "usage: $0 down TAG"; cmd_down "$1" ;;
partition) (($# == 3)) || die "usage: $0 partition TAG \"A..\" \"B..\""; cmd_partition "$@" ;;
heal) (($# == 1)) || die "usage: $0 heal TAG"; cmd_heal "$1" ;;
addr) (($# == 2)) || die "usage: $0 addr TAG N"; cmd_addr "$@" ;;
start) (($# >= 1)) || die "usage: $0 start TAG [DIR]"; cmd_start "$@" ;;
stop) (($# >= 1)) || die "usage: $0 stop TAG [DIR]"; cmd_stop "$@" ;;
sweep) cmd_sweep ;;
*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
