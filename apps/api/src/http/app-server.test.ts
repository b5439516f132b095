import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import express, { type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppServer } from './app-server';

// V8's own test of whether two objects have the same hidden class (map), compiled after the flag.
setFlagsFromString('--allow-natives-syntax');
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** An app that keeps each request's req and res after express and a middleware have added to them. */
function recordingApp() {
  const seen: Array<{ req: Request; res: Response }> = [];
  const app = express();
  app.use((req, res, next) => {
    (req as Request & { id: string }).id = `request-${seen.length}`;
    res.locals.userId = 'u';
    next();
  });
  app.get('/hello/:name', (req, res) => {
    seen.push({ req, res });
    res.status(201).json({ hello: req.params.name, app: req.app === app, proto: Object.getPrototypeOf(req) === app.request });
  });
  return { app, seen };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function twoRequests(url: string) {
  const first = await fetch(`${url}/hello/ada`);
  const second = await fetch(`${url}/hello/bob`, { headers: { 'x-extra': '1' } });
  return [
    { status: first.status, body: await first.json() },
    { status: second.status, body: await second.json() },
  ];
}

describe('createAppServer', () => {
  it('serves the express app as app.listen would', async () => {
    const { app } = recordingApp();
    const answers = await twoRequests(await serve(createAppServer(app)));
    expect(answers).toEqual([
      { status: 201, body: { hello: 'ada', app: true, proto: true } },
      { status: 201, body: { hello: 'bob', app: true, proto: true } },
    ]);
  });

  it('gives every request and response the same shape', async () => {
    const { app, seen } = recordingApp();
    await twoRequests(await serve(createAppServer(app)));
    const [a, b] = seen;
    expect(haveSameMap(a!.req, b!.req)).toBe(true);
    expect(haveSameMap(a!.res, b!.res)).toBe(true);
  });

  it('is needed before Node 24: there, with app.listen every request gets a shape of its own', async () => {
    // What createAppServer avoids: express's setPrototypeOf leaves each request off V8's
    // transition tree in the V8 of Node 20 and 22. Node 24's V8 keeps the shapes shared.
    const { app, seen } = recordingApp();
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise<void>((resolve) => server.once('listening', resolve));
    await twoRequests(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const [a, b] = seen;
    const sharedByV8Itself = Number(process.versions.node.split('.')[0]) >= 24;
    expect(haveSameMap(a!.req, b!.req)).toBe(sharedByV8Itself);
    expect(haveSameMap(a!.res, b!.res)).toBe(sharedByV8Itself);
  });
});
