/*
 * The floor for auth.me: the same work written as plain code. Express, the API's own cookie
 * parsing, SHA-256 of the cookie's secret, and one primary-key SELECT joining session and user
 * through `pg`, answering JSON of the shape auth.me answers. Run as its own process, like the API.
 * Environment: PORT, DATABASE_URL, POOL_SIZE.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import pg from 'pg';
import { readCookies } from '@app/api/testing';

const port = Number(process.env.PORT);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });

const LOOKUP = `select s.secret_hash, s.expires_at, u.id, u.email, u.role, u.status, u.timezone
  from sessions s join users u on u.id = s.user_id
  where s.id = $1`;

interface Row {
  secret_hash: Buffer;
  expires_at: Date;
  id: string;
  email: string;
  role: string;
  status: string;
  timezone: string | null;
}

async function me(cookie: string | undefined) {
  const [id, secret] = cookie?.split('.') ?? [];
  if (!id || !secret) return null;
  const { rows } = await pool.query<Row>(LOOKUP, [id]);
  const row = rows[0];
  const hash = createHash('sha256').update(secret).digest();
  if (!row || row.secret_hash.length !== hash.length || !timingSafeEqual(row.secret_hash, hash)) return null;
  if (row.expires_at <= new Date() || row.status === 'deactivated') return null;
  return { id: row.id, email: row.email, role: row.role, timezone: row.timezone };
}

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
app.get('/trpc/auth.me', async (req, res, next) => {
  try {
    const data = await me(readCookies(req).session);
    res.json(req.query.batch === '1' ? [{ result: { data } }] : { result: { data } });
  } catch (error) {
    next(error);
  }
});

const server = app.listen(port, '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
