// Run before the tests (npm's pretest): they need a PostgreSQL database of their own.
if (!process.env.TEST_DATABASE_URL) {
  process.stderr.write(
    'error: TEST_DATABASE_URL is not set: the tests need a PostgreSQL database they may empty (postgresql://USER:PASSWORD@HOST:PORT/DATABASE)\n',
  );
  process.exit(1);
}
