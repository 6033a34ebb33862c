#!/bin/sh
# Regenerates the usrsctp capture: builds gen.c against libusrsctp, runs it on
# loopback under tshark, and writes each SCTP packet (UDP payload) to
# pkt-NNN.bin plus index.txt ("pkt-NNN.bin <chunk types as tshark dissected
# them, comma-separated>"). Needs root (or capture rights), tshark, xxd and
# libusrsctp-dev. The tests only read the checked-in .bin files and index.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
A=${A:-39001}
B=${B:-39002}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cc -std=gnu11 -O1 -Wall -Wextra -Werror "$here/gen.c" -lusrsctp -lpthread -o "$tmp/gen"

tshark -q -i lo -f "udp port $A or udp port $B" -w "$tmp/out.pcap" >"$tmp/tshark.log" 2>&1 &
tpid=$!
# Wait (bounded) until tshark reports the capture has started.
i=0
until grep -q "Capturing on" "$tmp/tshark.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "tshark did not start" >&2
		cat "$tmp/tshark.log" >&2
		kill $tpid
		exit 1
	fi
	sleep 0.1
done
sleep 0.5
status=0
timeout 60 "$tmp/gen" "$A" "$B" || status=$?
sleep 1
kill $tpid
wait $tpid || true
if [ $status -ne 0 ]; then
	echo "gen failed ($status)" >&2
	exit 1
fi

rm -f "$here"/pkt-*.bin "$here/index.txt"
dec="-d udp.port==$A,sctp -d udp.port==$B,sctp"
n=0
# One line per packet: the UDP payload in hex, then the chunk types.
tshark -r "$tmp/out.pcap" $dec -T fields -E separator=' ' -e udp.payload -e sctp.chunk_type |
	while read -r hex types; do
		n=$((n + 1))
		name=$(printf 'pkt-%03d.bin' $n)
		printf '%s' "$hex" | tr -d ':' | xxd -r -p >"$here/$name"
		echo "$name $types" >>"$here/index.txt"
	done
echo "wrote $(ls "$here"/pkt-*.bin | wc -l) packets to $here" >&2
