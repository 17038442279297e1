// Stands in for capture-child.js in child-feed tests: publishes a snapshot every
// 50 ms counting 100 rx bytes each; FAKE_CRASH (env) says how it dies after its
// third snapshot: "poll" (cap's assertion), "other" (exit 1), "" (it does not).
import { existsSync, writeFileSync } from 'node:fs';

const crash = process.env.FAKE_CRASH ?? '';
const once = process.env.FAKE_CRASH_ONCE_FILE; // when set: crash only while this file does not exist
let n = 0;
let seq = 0;
const row = (bytes) => ({ rx1: 100, tx1: 0, rx2: 100, tx2: 0, rx10: 100, tx10: 0, rx40: 100, tx40: 0, peak: 100, rxBytes: bytes, txBytes: 0, packets: bytes / 100, lastSeen: Date.now() });
const snap = () => {
  const bytes = n * 100;
  const r = row(bytes);
  return {
    seq: ++seq, time: Date.now(), elapsed: n * 0.05, interface: 'fake0', filter: null, local: 'x',
    totals: { ...r, transitBytes: 0, malformed: 0, dropped: 0 },
    hosts: [{ ...r, key: '198.18.80.2', host: '198.18.80.2', family: 4, transit: false, localPorts: 1, processKeys: [] }],
    processes: [], connections: [], notices: [],
  };
};
process.on('message', (m) => {
  if (m.type === 'start') {
    setInterval(() => {
      n++;
      process.send({ type: 'snapshot', snap: snap() });
      if (n === 3 && crash && !(once && existsSync(once))) {
        if (once) writeFileSync(once, '');
        if (crash === 'poll') {
          process.stderr.write("node: ../src/binding.cc:190: static void Pcap::cb_packets(uv_poll_t*, int, int): Assertion `status == 0' failed.\n");
          process.exit(134);
        }
        process.stderr.write('something else broke\n');
        process.exit(1);
      }
    }, 50);
  } else if (m.type === 'command' && m.command.type === 'stop') {
    n++;
    process.send({ type: 'snapshot', snap: snap() });
    process.disconnect();
    process.exit(0);
  }
});
