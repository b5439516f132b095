/**
 * What a value becomes on the wire: JSON turns each Date into its ISO string. The routers' answer
 * types are the auth package's views seen this way, each filled field by field by its own mapper,
 * so a field added to a view goes out only once a mapper names it.
 */
export type AsJson<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};
