// Container healthcheck without curl in the image: GET the URL, exit 0 on 2xx. Sends
// METRICS_TOKEN as a bearer token when set (the runner's /metrics requires it in production).
const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node healthcheck.mjs <url>\n');
  process.exit(2);
}
const headers = process.env.METRICS_TOKEN ? { authorization: `Bearer ${process.env.METRICS_TOKEN}` } : {};
try {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(4000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
