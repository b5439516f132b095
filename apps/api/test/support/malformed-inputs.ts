import { appRouter } from '../../src/router';

/*
 * Malformed input for every procedure, generated from the router's own zod input schemas: each
 * field broken every way its type allows, plus values of the right type that mean nothing for
 * fields whose meaning is known (emails, codes, time zones, cursors, ids). A procedure added to the
 * router is covered the day it is added.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One procedure call with a broken input. */
export interface InputCase {
  name: string;
  path: string;
  type: 'query' | 'mutation';
  /** Undefined: no input at all. */
  input: Json | undefined;
}

interface Field {
  name: string;
  kind: 'string' | 'number' | 'boolean' | 'enum' | 'other';
  optional: boolean;
  maxLength: number | null;
  isInt: boolean;
  min: number | null;
  max: number | null;
}

interface Procedure {
  path: string;
  type: 'query' | 'mutation';
  /** Null: the procedure takes no input. */
  fields: Field[] | null;
  inputOptional: boolean;
}

function unwrapOptional(schema: any): { schema: any; optional: boolean } {
  let optional = false;
  while (['optional', 'default', 'nullable'].includes(schema.def?.type)) {
    optional = true;
    schema = schema.def.innerType;
  }
  return { schema, optional };
}

function procedures(): Procedure[] {
  const all = (appRouter as any)._def.procedures as Record<string, any>;
  return Object.entries(all).map(([path, procedure]) => {
    const [input] = procedure._def.inputs as any[];
    if (!input) return { path, type: procedure._def.type, fields: null, inputOptional: true };
    const { schema, optional } = unwrapOptional(input);
    const fields = Object.entries(schema.shape as Record<string, any>).map(([name, raw]): Field => {
      const { schema: field, optional: fieldOptional } = unwrapOptional(raw);
      const type = field.def.type;
      return {
        name,
        kind: ['string', 'number', 'boolean', 'enum'].includes(type) ? type : 'other',
        optional: fieldOptional,
        maxLength: type === 'string' ? (field.maxLength ?? null) : null,
        isInt: type === 'number' && Boolean(field.isInt),
        min: type === 'number' ? (field.minValue ?? null) : null,
        max: type === 'number' ? (field.maxValue ?? null) : null,
      };
    });
    return { path, type: procedure._def.type, fields, inputOptional: optional };
  });
}

/** A harmless valid value for a field, so one other field can be broken at a time. */
function validValue(field: Field, enumOptions: Record<string, string>): Json {
  if (field.kind === 'enum') return enumOptions[field.name] ?? 'user';
  if (field.kind === 'boolean') return false;
  if (field.kind === 'number') return field.min ?? 1;
  const byName: Record<string, string> = { email: 'nobody@example.com', newEmail: 'nobody@example.com', code: '123456', timezone: 'UTC', userId: '999999999', id: 'no-such-session', token: 'abcdefghijkmnpqrstuvwxyz23456789' };
  return byName[field.name] ?? 'x';
}

/** Values of the wrong type or out of bounds for a field, whatever it means. */
function wrongValues(field: Field): Array<[string, Json]> {
  const common: Array<[string, Json]> = [
    ['null', null],
    ['an object', { $ne: null }],
    ['an array', ['a', 'b']],
  ];
  switch (field.kind) {
    case 'string':
      return [
        ...common,
        ['a number', 42],
        ['a boolean', true],
        ...(field.maxLength ? ([['one character too long', 'x'.repeat(field.maxLength + 1)]] as Array<[string, Json]>) : []),
      ];
    case 'number':
      return [
        ...common,
        ['a numeric string', '10'],
        ['a huge number', 1e300],
        ...(field.isInt ? ([['a fraction', 1.5]] as Array<[string, Json]>) : []),
        ...(field.min !== null ? ([['below the minimum', field.min - 1]] as Array<[string, Json]>) : []),
        ...(field.max !== null ? ([['above the maximum', field.max + 1]] as Array<[string, Json]>) : []),
      ];
    case 'boolean':
      return [...common, ['the string "true"', 'true'], ['1', 1]];
    case 'enum':
      return [...common, ['a value outside the set', 'superuser'], ['the right value in capitals', 'ADMIN'], ['a number', 1]];
    default:
      return common;
  }
}

const injections = ["' OR '1'='1", "'; DROP TABLE users; --", '<script>alert(1)</script>', '${7*7}{{7*7}}', '../../../etc/passwd', '\u0000'];
const controlAndUnicode = ['\u202Eadmin', 'line\r\nBreak: header', '\u0007\u0008\u001b[31m', '😀😀😀', 'Ω≈ç√∫', '\uFEFF', '\uD800'];

/** Values of the right type that mean nothing for fields whose meaning is known. */
const nonsense: Record<string, Json[]> = {
  // The address an account moves to is refused as every other address is.
  get newEmail() {
    return nonsense.email!;
  },
  email: [
    'plainaddress',
    '@example.com',
    'a@',
    'a@@example.com',
    'a b@example.com',
    'user@localhost',
    'ünïcödé@exämple.com',
    'admin@app.test\u0000',
    'x@example.com\r\nBcc: victim@example.com',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(250)}.com`,
    // (Template syntax such as ${7*7} is valid in an address, so it is not here.)
    ...injections.filter((s) => !s.includes('{')).map((s) => `${s}@example.com`),
    ...controlAndUnicode.map((s) => `${s}@example.com`),
  ],
  code: ['12345', '1234567', 'abcdef', '１２３４５６', '١٢٣٤٥٦', ...injections, ...controlAndUnicode],
  timezone: ['Not/AZone', 'Mars/Olympus_Mons', '+25:00', 'Etc/GMT+99', 'Europe/Berlin\n', 'x'.repeat(65), ...injections, ...controlAndUnicode],
  cursor: [
    'not a cursor',
    '====',
    base64url([]),
    base64url(['x']),
    base64url({ a: 1 }),
    base64url([1, 2]),
    base64url(['9999-99-99T99:99:99.999999Z', '1']),
    base64url(['2026-02-31T00:00:00.000000Z', '1']),
    base64url(['2026-01-01T00:00:00.000000Z', '-1']),
    base64url(['2026-01-01T00:00:00.000000Z', '99999999999999999999999']),
    base64url(Array.from({ length: 40 }, () => 'x')),
    ...injections,
  ],
  userId: ['0', '-1', '1e3', '99999999999999999999999', 'abc', ...injections, ...controlAndUnicode],
  id: ['-1', ...injections, ...controlAndUnicode],
  // A sign-in link's token: 32 of the token alphabet. Near misses, a whole URL, an attempt cookie.
  token: [
    '',
    'abcdefghijkmnpqrstuvwxyz2345678',
    'abcdefghijkmnpqrstuvwxyz234567890',
    'ABCDEFGHIJKMNPQRSTUVWXYZ23456789',
    'abcdefghijkmnpqrstuvwxyz2345678l',
    '#abcdefghijkmnpqrstuvwxyz23456789',
    'http://app.test/sign-in/link#abcdefghijkmnpqrstuvwxyz23456789',
    'abcdefghijkmnpqrstuvwxyz.abcdefghijkmnpqrstuvwxyz23',
    'x'.repeat(128),
    ...injections,
    ...controlAndUnicode,
  ],
  // Free text: anything goes, except what no text column can hold.
  search: ['\u0000', 'a\u0000b'],
  type: ['\u0000'],
};

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Every broken input for every procedure that takes input. */
export function malformedInputs(): InputCase[] {
  const cases: InputCase[] = [];
  for (const procedure of procedures()) {
    if (!procedure.fields) continue;
    const enumOptions = enumDefaults(procedure.path);
    const baseline = Object.fromEntries(
      procedure.fields.filter((f) => !f.optional).map((f) => [f.name, validValue(f, enumOptions)]),
    ) as Record<string, Json>;
    const add = (name: string, input: Json | undefined) =>
      cases.push({ name: `${procedure.path}: ${name}`, path: procedure.path, type: procedure.type, input });

    for (const [what, input] of [
      ['input is a string', 'hello'],
      ['input is a number', 42],
      ['input is an array', [baseline]],
      ['input is null', null],
    ] as Array<[string, Json]>) {
      add(what, input);
    }
    if (!procedure.inputOptional) add('no input at all', undefined);
    for (const field of procedure.fields) {
      if (!field.optional) {
        const { [field.name]: _dropped, ...rest } = baseline;
        add(`${field.name} missing`, rest);
      }
      for (const [what, value] of wrongValues(field)) add(`${field.name} is ${what}`, { ...baseline, [field.name]: value });
      for (const value of nonsense[field.name] ?? []) add(`${field.name} = ${JSON.stringify(value).slice(0, 40)}`, { ...baseline, [field.name]: value });
    }
  }
  return cases;
}

function enumDefaults(path: string): Record<string, string> {
  return path.startsWith('admin.users') ? { role: 'user', status: 'active' } : {};
}

/** One webhook body that is not a Postmark webhook payload: a string is sent as is, anything else as JSON. */
export interface WebhookCase {
  name: string;
  body: string | Json;
  /** Sent with this Content-Type instead of application/json. */
  contentType?: string;
}

/**
 * Bodies POST /webhooks/postmark must refuse with 400 and a reason: broken JSON, the wrong
 * shapes, and each handled record type with a field of the wrong type, missing, out of bounds or
 * holding what no database column can hold.
 */
export function malformedWebhookPayloads(): WebhookCase[] {
  const delivery = { RecordType: 'Delivery', ServerID: 23, MessageStream: 'outbound', MessageID: '00000000-0000-4000-8000-000000000000', Recipient: 'nobody@example.com', DeliveredAt: '2026-12-03T10:00:00Z', Details: '', Tag: '', Metadata: {} };
  const bounce = { RecordType: 'Bounce', ID: 42, Type: 'HardBounce', TypeCode: 1, MessageID: delivery.MessageID, Email: 'nobody@example.com', BouncedAt: '2026-12-03T10:00:00Z', Inactive: true, CanActivate: true };
  const spam = { ...bounce, RecordType: 'SpamComplaint', Type: 'SpamComplaint', TypeCode: 100001 };
  const subscription = { RecordType: 'SubscriptionChange', MessageID: delivery.MessageID, Recipient: 'nobody@example.com', SuppressSending: true, SuppressionReason: 'ManualSuppression', ChangedAt: '2026-12-03T10:00:00Z', Origin: 'Recipient' };
  const cases: WebhookCase[] = [
    { name: 'an empty body', body: '' },
    { name: 'invalid JSON', body: '{"RecordType":' },
    { name: 'JSON with trailing garbage', body: '{"RecordType":"Delivery"}xyz' },
    { name: 'a JSON string', body: '"Delivery"' },
    { name: 'a JSON number', body: '42' },
    { name: 'null', body: 'null' },
    { name: 'an array of payloads', body: [delivery] },
    { name: 'an object without RecordType', body: { MessageID: delivery.MessageID } },
    { name: 'RecordType a number', body: { ...delivery, RecordType: 7 } },
    { name: 'RecordType empty', body: { ...delivery, RecordType: '' } },
    { name: 'a form body', body: 'RecordType=Delivery', contentType: 'application/x-www-form-urlencoded' },
    { name: 'text/plain JSON', body: JSON.stringify(delivery), contentType: 'text/plain' },
    { name: 'a body over the size limit', body: { ...delivery, Details: 'x'.repeat(300_000) } },
    { name: 'arrays nested 5000 deep', body: `${'['.repeat(5000)}1${']'.repeat(5000)}` },
  ];
  const broken: Array<[string, Record<string, Json>, Record<string, Json>]> = [
    ['Delivery', delivery, { MessageID: null, Recipient: 42, DeliveredAt: 'yesterday' }],
    ['Bounce', bounce, { ID: '42', Type: '', Email: null, BouncedAt: 'not a date', Inactive: 'yes' }],
    ['SpamComplaint', spam, { ID: -1, Email: ['a@example.com'], BouncedAt: 12 }],
    ['SubscriptionChange', subscription, { SuppressSending: 'true', Recipient: '', ChangedAt: null }],
  ];
  for (const [type, valid, wrong] of broken) {
    for (const [field, value] of Object.entries(wrong)) cases.push({ name: `${type}: ${field} = ${JSON.stringify(value)}`, body: { ...valid, [field]: value } });
    const required = type === 'Delivery' ? ['MessageID', 'Recipient', 'DeliveredAt'] : type === 'SubscriptionChange' ? ['Recipient', 'SuppressSending', 'ChangedAt'] : ['ID', 'Type', 'Email', 'BouncedAt'];
    for (const field of required) {
      const { [field]: _dropped, ...rest } = valid;
      cases.push({ name: `${type}: ${field} missing`, body: rest });
    }
    const textField = type === 'Delivery' || type === 'SubscriptionChange' ? 'Recipient' : 'Email';
    cases.push({ name: `${type}: a NUL character in ${textField}`, body: { ...valid, [textField]: 'a\u0000b@example.com' } });
    cases.push({ name: `${type}: ${textField} of 2000 characters`, body: { ...valid, [textField]: `${'a'.repeat(2000)}@example.com` } });
  }
  cases.push({ name: 'Bounce: ID beyond a 64-bit integer', body: { ...bounce, ID: 1e300 } });
  cases.push({ name: 'Bounce: a date before 1970', body: { ...bounce, BouncedAt: '-010000-01-01T00:00:00Z' } });
  cases.push({ name: 'Delivery: a date past 9999', body: { ...delivery, DeliveredAt: '+010000-01-01T00:00:00Z' } });
  cases.push({ name: 'Bounce: ID a fraction', body: { ...bounce, ID: 1.5 } });
  return cases;
}
