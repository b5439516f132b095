import {
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  callTRPCProcedure,
  getErrorShape,
  getTRPCErrorFromUnknown,
  type inferRouterContext,
  TRPCError,
  transformTRPCResponse,
} from '@trpc/server';
import { incomingMessageToRequest, internal_exceptionHandler } from '@trpc/server/adapters/node-http';
import { getHTTPStatusCode, type HTTPBaseHandlerOptions, resolveResponse } from '@trpc/server/http';
import type { Request, RequestHandler, Response } from 'express';

export interface TrpcHandlerOptions<TRouter extends AnyTRPCRouter> extends HTTPBaseHandlerOptions<TRouter, Request> {
  createContext: (req: Request, res: Response) => inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>;
  maxBodySize: number;
  maxBatchSize: number;
}

interface PlainCall {
  path: string;
  procedure: AnyTRPCProcedure;
  input: unknown;
}

/**
 * tRPC over express. tRPC's own adapter turns every request into a Fetch `Request`, answers with
 * a Fetch `Response` and pipes its body through a web stream; on auth.me that plumbing cost more
 * CPU than the whole rest of the request (docs/performance.md). So the plain calls the SPA makes
 * (queries over GET, JSON mutations over POST, batched or not, to procedures that exist) are run
 * here directly, with tRPC's public helpers for the procedure call, error shape and status.
 * Anything else (unknown paths, wrong methods, bad JSON, oversized batches, streaming) goes to
 * tRPC's own `resolveResponse`, so protocol errors are exactly tRPC's. Both answer in one write.
 *
 * This leans on tRPC internals, so @trpc/server and @trpc/client are pinned to one exact version.
 * On an upgrade, re-check (trpc-handler.test.ts compares answers with tRPC's own adapter):
 * - `internal_exceptionHandler` and `incomingMessageToRequest` from `@trpc/server/adapters/node-http`;
 * - `router._def.procedures` (a flat record by dotted path), `router._def._config` (transformer,
 *   error formatter) and `procedure._def.type`;
 * - `callTRPCProcedure`, `getErrorShape`, `transformTRPCResponse`, `getHTTPStatusCode` and
 *   `resolveResponse`, with the option names passed here;
 * - the query-string protocol (`batch=1`, `input`, `connectionParams`, the `trpc-accept` header) and
 *   the stream-like-response message, copied from tRPC's own handler.
 */
export function trpcHandler<TRouter extends AnyTRPCRouter>(opts: TrpcHandlerOptions<TRouter>): RequestHandler {
  return (req, res) => {
    const path = req.path.slice(req.path.lastIndexOf('/') + 1);
    answer(opts, req, res, path).catch((cause: unknown) => {
      // What tRPC's own adapter does when handling throws: a formatted 500, reported through onError.
      const createContext = ({ req: r, res: s }: { req: Request; res: Response }) => opts.createContext(r, s);
      internal_exceptionHandler({ ...opts, req, res, path, createContext })(cause);
    });
  };
}

async function answer<TRouter extends AnyTRPCRouter>(opts: TrpcHandlerOptions<TRouter>, req: Request, res: Response, path: string) {
  const plain = await plainRequest(opts, req, path);
  if (plain) return answerPlain(opts, req, res, plain);

  const request = incomingMessageToRequest(req, res, { maxBodySize: opts.maxBodySize });
  const response = await resolveResponse({
    ...opts,
    req: request,
    path,
    error: null,
    createContext: async () => opts.createContext(req, res),
    onError: (o) => opts.onError?.({ ...o, req }),
  });
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of response.headers) if (key !== 'set-cookie') headers[key] = value;
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  send(res, response.status, headers, Buffer.from(await response.arrayBuffer()));
}

/** The calls of a plain JSON request, or null when tRPC's own handler should answer it. */
async function plainRequest<TRouter extends AnyTRPCRouter>(
  opts: TrpcHandlerOptions<TRouter>,
  req: Request,
  urlPath: string,
): Promise<{ isBatch: boolean; type: 'query' | 'mutation'; calls: PlainCall[] } | null> {
  const type = req.method === 'GET' ? 'query' : req.method === 'POST' ? 'mutation' : null;
  if (!type || req.headers['trpc-accept'] !== undefined || urlPath.includes('%')) return null;
  const { batch, input, connectionParams, ...rest } = req.query;
  if (connectionParams !== undefined || Object.keys(rest).length > 0 || (batch !== undefined && typeof batch !== 'string')) return null;
  const isBatch = batch === '1';
  const paths = isBatch ? urlPath.split(',') : [urlPath];
  if (paths.length > opts.maxBatchSize) return null;

  let text: string | undefined;
  if (type === 'query') {
    if (input !== undefined && typeof input !== 'string') return null;
    text = input;
  } else {
    if (input !== undefined || !isJson(req)) return null;
    const body = await readSmallBody(req, opts.maxBodySize);
    if (body === null) return null;
    text = body;
  }
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    return null;
  }
  if (isBatch && parsed !== undefined && !isPlainObject(parsed)) return null;

  const { procedures, _config: config } = opts.router._def;
  const calls: PlainCall[] = [];
  for (const [index, path] of paths.entries()) {
    const procedure = (procedures as Record<string, AnyTRPCProcedure | undefined>)[path];
    if (!procedure || procedure._def.type !== type) return null;
    const raw = isBatch ? (parsed as Record<string, unknown> | undefined)?.[index] : parsed;
    calls.push({ path, procedure, input: raw === undefined ? undefined : config.transformer.input.deserialize(raw) });
  }
  return { isBatch, type, calls };
}

async function answerPlain<TRouter extends AnyTRPCRouter>(
  opts: TrpcHandlerOptions<TRouter>,
  req: Request,
  res: Response,
  { isBatch, type, calls }: { isBatch: boolean; type: 'query' | 'mutation'; calls: PlainCall[] },
) {
  const { router } = opts;
  const config = router._def._config;
  let ctx: inferRouterContext<TRouter> | undefined;
  let ctxError: unknown = null;
  try {
    ctx = await opts.createContext(req, res);
  } catch (cause) {
    ctxError = cause;
  }
  const outcomes = await Promise.all(
    calls.map(async ({ path, input }, batchIndex): Promise<[TRPCError, undefined] | [null, unknown]> => {
      try {
        if (ctxError !== null) throw ctxError;
        const data = await callTRPCProcedure({ router, path, type, ctx, getRawInput: async () => input, signal: undefined, batchIndex });
        if (isDataStream(data)) {
          throw new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink' });
        }
        return [null, data];
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        opts.onError?.({ error, path, input, ctx, type, req });
        return [error, undefined];
      }
    }),
  );
  const json = outcomes.map(([error, data], i) => {
    const { path, input } = calls[i]!;
    return error ? { error: getErrorShape({ config, ctx, error, input, path, type }) } : { result: { data } };
  });
  const errors = outcomes.map(([error]) => error).filter((e): e is TRPCError => e !== null);
  let status = getHTTPStatusCode(json, outcomes.map(([error]) => error ?? undefined) as TRPCError[]);
  const headers: Record<string, string | string[]> = { 'content-type': 'application/json', vary: 'trpc-accept, accept' };
  const meta = opts.responseMeta?.({ ctx, info: undefined, paths: calls.map((c) => c.path), data: json, errors, eagerGeneration: false, type });
  if (meta?.status) status = meta.status;
  if (meta?.headers && !(meta.headers instanceof Headers)) {
    for (const [key, value] of Object.entries(meta.headers)) if (typeof value === 'string' || Array.isArray(value)) headers[key] = value;
  } else if (meta?.headers instanceof Headers) {
    for (const [key, value] of meta.headers) headers[key] = value;
  }
  const body = transformTRPCResponse(config, isBatch ? json : json[0]!);
  send(res, status, headers, JSON.stringify(body));
}

/** Status, headers and the whole body in one write (a string body goes out with the headers). */
function send(res: Response, status: number, headers: Record<string, string | string[]>, body: Buffer | string): void {
  if (res.statusCode === 200) res.statusCode = status;
  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
  res.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.end(body);
}

function isJson(req: Request): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * The body, when it declares a length within `limit`; null otherwise (tRPC then reads it with
 * its own limit). Kept on `req.body`, where tRPC's adapter looks if the request falls back to it.
 */
async function readSmallBody(req: Request, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length']);
  if (!Number.isInteger(declared) || declared > limit || req.headers['transfer-encoding'] !== undefined) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  (req as Request & { body: string }).body = text;
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** tRPC answers a non-streaming call that returned promises or iterables with an error. */
function isDataStream(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const streamy = (v: unknown) => v instanceof Promise || (typeof v === 'object' && v !== null && Symbol.asyncIterator in v);
  return streamy(value) || Object.values(value).some(streamy);
}
