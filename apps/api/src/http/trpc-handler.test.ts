import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC, TRPCError } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { trpcHandler } from './trpc-handler';

// A router with every kind of answer; served by tRPC's own express adapter and by ours.
const t = initTRPC.context<{ user: string }>().create({
  errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, stack: undefined, why: error.message } }),
});
const router = t.router({
  hello: t.procedure.input(z.object({ name: z.string().max(5) }).optional()).query(({ input, ctx }) => ({ hi: input?.name ?? ctx.user })),
  missing: t.procedure.query(() => {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'no such thing' });
  }),
  broken: t.procedure.query(() => {
    throw new Error('internal detail');
  }),
  save: t.procedure.input(z.object({ n: z.number() })).mutation(({ input }) => ({ saved: input.n })),
});

const options = {
  router,
  maxBodySize: 1024,
  maxBatchSize: 3,
  responseMeta: ({ errors }: { errors: TRPCError[] }) => ({ headers: { 'cache-control': 'no-store', 'x-errors': String(errors.length) } }),
};

let stock: Server;
let ours: Server;
const listen = (app: express.Express) => new Promise<Server>((resolve) => {
  const server = app.listen(0, '127.0.0.1', () => resolve(server));
});
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  stock = await listen(express().use('/trpc', createExpressMiddleware({ ...options, createContext: () => ({ user: 'ada' }) })));
  ours = await listen(express().use('/trpc', trpcHandler({ ...options, createContext: () => ({ user: 'ada' }) })));
});
afterAll(() => {
  stock.close();
  ours.close();
});

async function answer(server: Server, path: string, init: RequestInit = {}) {
  const response = await fetch(`${urlOf(server)}/trpc/${path}`, init);
  const pick = ['content-type', 'cache-control', 'vary', 'allow', 'x-errors'];
  return {
    status: response.status,
    headers: Object.fromEntries(pick.map((name) => [name, response.headers.get(name)])),
    body: await response.text(),
  };
}

const json = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

describe('trpcHandler', () => {
  const cases: Array<[string, string, RequestInit?]> = [
    ['a query', 'hello'],
    ['a query with input', `hello?${input({ name: 'bob' })}`],
    ['a batched query', `hello?batch=1&${input({ 0: { name: 'bob' } })}`],
    ['a batch of two', `hello,hello?batch=1&${input({ 1: { name: 'eve' } })}`],
    ['a batch with an error in it', 'hello,missing?batch=1'],
    ['a thrown error', 'broken'],
    ['a batch of errors', 'missing,broken?batch=1'],
    ['an input that fails validation', `hello?${input({ name: 'far too long' })}`],
    ['input that is not JSON', 'hello?input=%7Bnope'],
    ['batch input that is not an object', `hello?batch=1&${input([1])}`],
    ['an unknown procedure', 'nothing'],
    ['an unknown procedure in a batch', 'hello,nothing?batch=1'],
    ['a mutation over GET', 'save'],
    ['a batch over the size limit', 'hello,hello,hello,hello?batch=1'],
    ['a mutation', 'save', json('{"n":1}')],
    ['a batched mutation', 'save?batch=1', json('{"0":{"n":2}}')],
    ['a mutation with bad input', 'save', json('{"n":"one"}')],
    ['a mutation with a body that is not JSON', 'save', json('{"n":')],
    ['a mutation with no body', 'save', json('')],
    ['a query over POST', 'hello', json('{}')],
    ['a mutation that is not JSON', 'save', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"n":1}' }],
    ['a mutation over the body limit', 'save', json(JSON.stringify({ n: 1, pad: 'x'.repeat(2000) }))],
    ['a HEAD request', 'hello', { method: 'HEAD' }],
  ];

  for (const [what, path, init] of cases) {
    it(`answers ${what} exactly as tRPC's own adapter does`, async () => {
      const [expected, actual] = await Promise.all([answer(stock, path, init), answer(ours, path, init)]);
      expect(actual).toEqual(expected);
    });
  }

  it('answers in one write with a Content-Length, not a chunked body', async () => {
    const response = await fetch(`${urlOf(ours)}/trpc/hello`);
    expect(response.headers.get('transfer-encoding')).toBeNull();
    expect(Number(response.headers.get('content-length'))).toBe((await response.arrayBuffer()).byteLength);
  });
});
