#!/usr/bin/env bash
# multihome.sh: multi-homing failover between two hosts made of network
# namespaces. Host A (client) and host B (server) are joined by two veth
# links, each host with one address per link (198.18.0.0/15, the
# benchmarking range, only inside the namespaces):
#   link 0: A 198.18.0.1 <-> B 198.18.0.2   (the primary path)
#   link 1: A 198.18.1.1 <-> B 198.18.1.2
# While the client sends a paced stream of echoed messages, link 0 is taken
# down (ip link set ... down) on A, then brought back. It passes only if
#   - every message is echoed and verified (nothing lost, order kept),
#   - DATA crossed link 1 while link 0 was down (failover),
#   - DATA crossed link 0 again after it came back (return to the primary),
#   - every captured packet passes capture_check.sh (SCTP, good CRC32c, not
#     malformed, no expert error).
# The namespaces (unique names per run) are always deleted, also on failure.
#
# Usage: multihome.sh --server-peer PATH --client-peer PATH --check PATH
#                     [--down-after MS] [--down-for MS] [--messages N]
#   --check PATH   capture_check.sh
# Exit status: 0 pass; 1 fail; 2 usage; 77 skipped (not root, or no ip netns).
set -uo pipefail

speer="" cpeer="" check="" down_after=1500 down_for=3000 messages=4000 inner=""
while [ $# -gt 0 ]; do
	case "$1" in
	--server-peer) speer=$2; shift 2 ;;
	--client-peer) cpeer=$2; shift 2 ;;
	--check) check=$2; shift 2 ;;
	--down-after) down_after=$2; shift 2 ;;
	--down-for) down_for=$2; shift 2 ;;
	--messages) messages=$2; shift 2 ;;
	--inner) inner=$2; shift 2 ;; # internal: run the transfer (inside the capture)
	*) echo "multihome: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -x "$speer" ] && [ -x "$cpeer" ] || { echo "multihome: --server-peer and --client-peer" >&2; exit 2; }

A0=198.18.0.1 B0=198.18.0.2 A1=198.18.1.1 B1=198.18.1.2
SPORT=30000 CPORT=30001
# Short heartbeats and timers: the dead path is noticed in about a second.
TIMERS=(--rto 100:200:1000 --hb 200)

if [ -n "$inner" ]; then
	# Runs inside host B's namespace, under capture_check: $inner is "NS_A NS_B LINK_A0 TIMES_FILE".
	read -r nsa nsb la0 times <<<"$inner"
	tmp=$(mktemp -d)
	"$speer" --server --udp-port $SPORT --host $B0 --host $B1 --echo --expect "$messages" "${TIMERS[@]}" \
		--timeout 60 >"$tmp/server.out" 2>"$tmp/server.err" &
	spid=$!
	for _ in $(seq 50); do
		grep -q listening "$tmp/server.err" 2>/dev/null && break
		sleep 0.1
	done
	ip netns exec "$nsa" "$cpeer" --client --udp-port $CPORT --remote-udp-port $SPORT \
		--host $B0 --host $B1 --local $A0 --local $A1 --messages "$messages" --min 1 --max 4000 \
		--sizes log --streams 4 --unordered 20 --pace 2000 --end eof "${TIMERS[@]}" --linger 2000 \
		--timeout 50 >"$tmp/client.out" 2>"$tmp/client.err" &
	cpid=$!
	sleep "$(awk -v m="$down_after" 'BEGIN { print m / 1000 }')"
	echo "down $(date +%s.%N)" >>"$times"
	ip -n "$nsa" link set "$la0" down
	sleep "$(awk -v m="$down_for" 'BEGIN { print m / 1000 }')"
	ip -n "$nsa" link set "$la0" up
	echo "up $(date +%s.%N)" >>"$times"
	status=0
	wait $cpid || status=1
	wait $spid || status=1
	echo "client: $(cat "$tmp/client.out")"
	head -n 20 "$tmp/client.err"
	echo "server: $(cat "$tmp/server.out")"
	grep -v listening "$tmp/server.err" | head -n 20
	rm -rf "$tmp"
	exit $status
fi

[ -x "$check" ] || { echo "multihome: --check must name capture_check.sh" >&2; exit 2; }
if [ "$(id -u)" -ne 0 ]; then
	echo "multihome: SKIP: needs root (ip netns add)"
	exit 77
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "multihome: SKIP: ip netns is not available"
	exit 77
fi

id=$$
nsa="usctp-mh-$id-a" nsb="usctp-mh-$id-b"
la0="mha$id" lb0="mhb$id" la1="mha1$id" lb1="mhb1$id"
la0=${la0:0:15} lb0=${lb0:0:15} la1=${la1:0:15} lb1=${lb1:0:15}
tmp=$(mktemp -d)
cleanup() {
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

setup() {
	ip netns add "$nsa" && ip netns add "$nsb" &&
		ip link add "$la0" type veth peer name "$lb0" &&
		ip link add "$la1" type veth peer name "$lb1" &&
		ip link set "$la0" netns "$nsa" && ip link set "$la1" netns "$nsa" &&
		ip link set "$lb0" netns "$nsb" && ip link set "$lb1" netns "$nsb" &&
		ip -n "$nsa" addr add $A0/24 dev "$la0" && ip -n "$nsa" addr add $A1/24 dev "$la1" &&
		ip -n "$nsb" addr add $B0/24 dev "$lb0" && ip -n "$nsb" addr add $B1/24 dev "$lb1" &&
		for ns in "$nsa" "$nsb"; do ip -n "$ns" link set lo up || return 1; done &&
		ip -n "$nsa" link set "$la0" up && ip -n "$nsa" link set "$la1" up &&
		ip -n "$nsb" link set "$lb0" up && ip -n "$nsb" link set "$lb1" up
}
if ! setup; then
	echo "multihome: SKIP: could not set up the namespaces and veth links"
	exit 77
fi
echo "multihome: hosts $nsa ($A0, $A1) and $nsb ($B0, $B1); link 0 goes down after ${down_after} ms for ${down_for} ms"

times="$tmp/times"
: >"$times"
CAPTURE_TIMEOUT=90 ip netns exec "$nsb" "$check" --iface any --keep "$tmp/cap.pcapng" \
	--require HEARTBEAT $SPORT $CPORT -- \
	"$0" --inner "$nsa $nsb $la0 $times" --server-peer "$speer" --client-peer "$cpeer" \
	--messages "$messages" --down-after "$down_after" --down-for "$down_for"
rc=$?
[ $rc -eq 0 ] || { echo "multihome: FAIL (capture_check status $rc)"; exit 1; }

# Where did DATA go, and when? One line per DATA-carrying packet: time, destination.
down=$(awk '$1 == "down" { print $2 }' "$times")
up=$(awk '$1 == "up" { print $2 }' "$times")
tshark -r "$tmp/cap.pcapng" -n -d udp.port==$SPORT,sctp -d udp.port==$CPORT,sctp -Y sctp.data_tsn \
	-T fields -e frame.time_epoch -e ip.dst 2>/dev/null >"$tmp/data.tsv"
verdict=$(awk -v down="$down" -v up="$up" -v b0=$B0 -v a0=$A0 -v b1=$B1 -v a1=$A1 '
{
	link1 = ($2 == b1 || $2 == a1); link0 = ($2 == b0 || $2 == a0)
	if ($1 > down + 0.5 && $1 < up && link1) during1++
	if ($1 > down + 0.5 && $1 < up && link0) during0++
	if ($1 > up + 1.5 && link0) after0++
	if ($1 > up + 1.5 && link1) after1++
	if ($1 < down && link0) before0++
}
END {
	printf "before_down_link0=%d during_down_link1=%d during_down_link0=%d after_up_link0=%d after_up_link1=%d\n", \
		before0, during1, during0, after0, after1
	ok = before0 > 0 && during1 > 0 && after0 > 0
	print ok ? "ok" : "fail"
}' "$tmp/data.tsv")
echo "multihome: DATA packets: $(echo "$verdict" | head -n 1)"
if [ "$(echo "$verdict" | tail -n 1)" != ok ]; then
	echo "multihome: FAIL: wanted DATA on link 0 before, on link 1 while link 0 was down, and on link 0 again after"
	exit 1
fi
echo "multihome: PASS"
exit 0
