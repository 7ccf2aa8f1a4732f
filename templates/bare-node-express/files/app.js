// A bare Express 5 app: the framework's defaults and the one route the benchmark loads,
// answered as the skeleton answers it. /readyz is only for the benchmark's boot check.
import express from 'express';

const app = express();
app.get('/livez', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3000);
const server = app.listen(port, host);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
