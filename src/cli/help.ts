export const HELP = `wiretop — live network traffic by remote host and by local process

Usage: wiretop [options]

Capture:
  -i, --interface NAME   capture on NAME (default: first up non-loopback
                         interface with an address; "any" for all)
  -f, --filter BPF       capture filter, same syntax as tcpdump
  -r, --read FILE        read a pcap or pcapng file instead of capturing
      --demo             synthetic traffic (no root needed): shows every pane
      --net CIDR         what counts as local (repeatable)
      --list-interfaces  list capture interfaces and exit

Output:
      --text             headless: plain-text tables every interval
      --json             headless: one JSON object per line every interval
      --interval SEC     headless reporting interval, whole seconds (default 2)
      --duration SEC     stop after SEC seconds (capture time for -r)
      --metrics ADDR     serve Prometheus/OpenMetrics at http://ADDR/metrics
                         (PORT binds 127.0.0.1; HOST:PORT or [V6]:PORT to choose)
  -n, --no-dns           no reverse DNS
  -N, --no-services      no port → service names
  -B, --bits             rates in bits/s
      --max-rows N       rows kept per table before folding into "(other)"
                         (default 100000)
      --idle SEC         forget rows idle this long (default 300)
  -h, --help             this help
      --version          print the version

Keys (full screen): q quit · h/? help · Tab pane · ↑↓/j/k move · Enter drill
down · Esc back · </> sort column · r reverse · Space/p freeze · ←/→ step
through seconds while frozen · t 2/10/40 s · b bits/bytes · n DNS · N services
· a aggregate hosts · / filter · c cumulative · x block commands

Examples:
  sudo wiretop                          full screen on the default interface
  sudo wiretop -i eth0 -f 'udp port 53' who is talking to the DNS server
  sudo wiretop --json --interval 10     a JSON line every 10 s (for scripts)
  wiretop -r capture.pcapng --text      summarise a capture file, no root
  sudo wiretop --metrics 9188           full screen plus Prometheus on :9188
  wiretop --demo                        try it without root or traffic

Without root: give a dedicated copy of node the capabilities (README, "Running without root"):
  sudo setcap cap_net_raw,cap_net_admin,cap_dac_read_search,cap_sys_ptrace+eip /usr/local/lib/wiretop/node
Config defaults: $XDG_CONFIG_HOME/wiretop/config.json (command-line options win).
Exit codes: 0 ok, 2 user or environment error, 1 bug.
`;
