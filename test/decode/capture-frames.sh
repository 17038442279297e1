#!/usr/bin/env bash
# Regenerates the real frames behind test/fixtures/frames.ts (root; needs
# ip, tcpdump, ping, nc, python3; on Debian `apt-get install tcpdump
# iputils-ping netcat-openbsd`). Two namespaces joined by a veth, plus a
# tun device; traffic is a handful of packets,
# all inside 198.18.0.0/15 and fd00::/8. Namespaces are removed on exit.
#   bash test/decode/capture-frames.sh [OUTDIR]
#   node test/decode/dump-pcap.mjs OUTDIR/*.pcap   # hex per frame
#   node test/decode/make-fixtures.mjs OUTDIR        # rewrites test/fixtures/frames.ts
set -euo pipefail
OUT=${1:-/tmp/wt-frames}
mkdir -p "$OUT"
A=wt-dec-a
B=wt-dec-b
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add wt-va type veth peer name wt-vb netns "$B"
ip -n "$A" link set lo up
ip -n "$B" link set lo up
ip -n "$A" addr add 198.18.0.1/24 dev wt-va
ip -n "$B" addr add 198.18.0.2/24 dev wt-vb
ip -n "$A" addr add fd00::1/64 dev wt-va nodad
ip -n "$B" addr add fd00::2/64 dev wt-vb nodad
ip -n "$A" link set wt-va up
ip -n "$B" link set wt-vb up

# A tun device in namespace A, held open by a python process so it has carrier:
# tcpdump on it gives LINKTYPE_RAW frames.
ip netns exec "$A" python3 - <<'EOF' &
import fcntl, os, struct, time
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', b'wt-tun', 0x0001 | 0x1000))  # IFF_TUN|IFF_NO_PI
time.sleep(20)
EOF
PIDS+=($!)
sleep 0.5
ip -n "$A" addr add 198.18.2.1/24 dev wt-tun
ip -n "$A" addr add fd00:2::1/64 dev wt-tun nodad
ip -n "$A" link set wt-tun up
sleep 1

# Servers in B: a TCP listener (v4 and v6) and a UDP listener on 5001; 5002 stays closed.
ip netns exec "$B" timeout 15 nc -l -k 198.18.0.2 5000 >/dev/null &
PIDS+=($!)
ip netns exec "$B" timeout 15 nc -6 -l -k fd00::2 5000 >/dev/null &
PIDS+=($!)
ip netns exec "$B" timeout 15 nc -u -l 198.18.0.2 5001 >/dev/null &
PIDS+=($!)
ip netns exec "$A" timeout 15 nc -l -k 127.0.0.1 5003 >/dev/null &
PIDS+=($!)

cap() { # name, tcpdump args...
  local name=$1; shift
  ip netns exec "$A" timeout 12 tcpdump -U -n -s 262144 -w "$OUT/$name.pcap" "$@" 2>/dev/null &
  PIDS+=($!)
}
cap eth -i wt-va
cap sll -i any -y LINUX_SLL
cap sll2 -i any -y LINUX_SLL2
cap lo -i lo
cap tun -i wt-tun
sleep 1.5

ex() { ip netns exec "$A" "$@"; }
ex ip neigh flush dev wt-va || true
ex ping -c1 -W1 198.18.0.2 >/dev/null || true                    # ARP + ICMP echo
ex ping -6 -c1 -W1 fd00::2 >/dev/null || true                    # NDP + ICMPv6 echo
ex bash -c 'echo hi > /dev/tcp/198.18.0.2/5000' || true          # TCP v4
ex bash -c 'echo hi > /dev/tcp/fd00::2/5000' || true             # TCP v6
ex bash -c 'echo hi | nc -u -w1 198.18.0.2 5001' || true         # UDP v4
ex bash -c 'echo hi | nc -u -w1 198.18.0.2 5002' || true         # UDP → ICMP port unreachable
ex bash -c 'echo hi | nc -6 -u -w1 fd00::2 5002' || true         # UDP → ICMPv6 port unreachable
ex ping -c1 -W1 -s 3000 198.18.0.2 >/dev/null || true            # IPv4 fragments
ex ping -6 -c1 -W1 -s 3000 fd00::2 >/dev/null || true           # IPv6 fragment header
ex python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
idx = socket.if_nametoindex("wt-va")
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff02::1:3") + struct.pack("@I", idx))
time.sleep(0.5)
' || true                                                        # MLDv2 report: hop-by-hop header
# This kernel has no 8021q module (no vlan subinterfaces), so tagged frames are
# written by hand onto the veth through an AF_PACKET socket; tcpdump captures
# them as they leave. 802.1Q VLAN 100, then 802.1ad 200 + 802.1Q 100 (QinQ),
# each carrying UDP 198.18.1.1:4000 → 198.18.1.2:4001 "hi".
ex python3 -c '
import socket, struct
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
payload = b"hi\n"
udp = struct.pack("!HHHH", 4000, 4001, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0x1234, 0x4000, 64, 17, 0,
                 socket.inet_aton("198.18.1.1"), socket.inet_aton("198.18.1.2"))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("wt-va", 0))
src = open("/sys/class/net/wt-va/address").read().strip().replace(":", "")
macs = bytes.fromhex("ffffffffffff" + src)
s.send(macs + struct.pack("!HH", 0x8100, 100) + struct.pack("!H", 0x0800) + ip + udp)
s.send(macs + struct.pack("!HH", 0x88a8, 200) + struct.pack("!HH", 0x8100, 100) + struct.pack("!H", 0x0800) + ip + udp)
' || true
ex bash -c 'echo hi > /dev/tcp/127.0.0.1/5003' || true           # loopback TCP
ex ping -c1 -W1 198.18.2.2 >/dev/null || true                    # out of the tun (raw IPv4)
ex ping -6 -c1 -W1 fd00:2::2 >/dev/null || true                  # out of the tun (raw IPv6)
sleep 1.5
for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
sleep 1
ls -l "$OUT"
