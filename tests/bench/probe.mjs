// One more visitor during a load run, in a process of its own: GETs each of the given paths in
// turn, one at a time, each over a new connection (as a visitor arriving does), for a number of
// seconds, and prints one JSON line {"latencies": [ms…], "statuses": {code: n}, "errors": n}.
// The load generator (autocannon) shares this machine's two cores with the server, and its own
// event loop adds to the times it reports; a request from a separate process shows what one more
// person gets from the server while the load runs.
//
//   node tests/bench/probe.mjs <base url> <seconds> <path>[ <path>…]   (PROBE_COOKIE: a cookie to send)
import { request } from 'node:http';

const [base, secondsText, ...paths] = process.argv.slice(2);
const until = performance.now() + Number(secondsText) * 1000;
const cookie = process.env.PROBE_COOKIE;

function get(path) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(`${base}${path}`, { agent: false, headers: cookie ? { cookie } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode }));
    });
    req.on('error', () => resolve({ ms: performance.now() - started, status: 0 }));
    req.end();
  });
}

const latencies = [];
const statuses = {};
let errors = 0;
for (let i = 0; performance.now() < until; i++) {
  const { ms, status } = await get(paths[i % paths.length]);
  if (status === 0) errors++;
  else statuses[status] = (statuses[status] ?? 0) + 1;
  latencies.push(Math.round(ms * 100) / 100);
}
console.log(JSON.stringify({ latencies, statuses, errors }));
