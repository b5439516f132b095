import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Express } from 'express';

/**
 * An HTTP server for an express app whose requests and responses are born with the app's
 * prototypes (`app.request`, `app.response`), instead of getting them from express per request.
 *
 * Express gives every request its prototypes with `Object.setPrototypeOf`. The V8 of Node 20 and
 * 22 answers that with a copy of the object's map that has no place in the transition tree, so
 * every property express, the router and this app add afterwards (`next`, `baseUrl`, `params`,
 * the request id, `locals`, `statusCode`, a dozen in all) builds a new map for that one request.
 * Every property access on a request or response then meets a shape it has never seen, which
 * turned auth.me's inline caches megamorphic: a third of its CPU went to V8's runtime looking
 * properties up (docs/performance.md). Made here with the right prototype from the start,
 * express's `setPrototypeOf` changes nothing (V8 returns early when the prototype is already the
 * one given), and the shapes are shared. Node 24's V8 shares them even without this.
 *
 * It sets `app.request` and `app.response`, so make one server per app: a second would put its
 * classes in front of the first's, whose requests would then get their prototypes set again.
 */
export function createAppServer(app: Express): Server {
  // Classes, not functions returning another object: V8 caches a derived class's first map, so
  // every request starts from the same one. Each class's prototype sits in front of express's,
  // and becomes the app's, so express's per-request setPrototypeOf finds it already in place.
  class AppRequest extends IncomingMessage {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  app.request = AppRequest.prototype as Express['request'];
  class AppResponse<Request extends IncomingMessage> extends ServerResponse<Request> {}
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  app.response = AppResponse.prototype as unknown as Express['response'];
  return createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}
