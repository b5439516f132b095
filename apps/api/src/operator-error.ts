import { PreparedStatementsUnsupportedError } from '@app/db';
import { ConfigError } from './config';

/** What the operator must change, for errors that a setting fixes; null for anything else (a bug, an outage). */
export function settingToChange(error: unknown): string | null {
  return error instanceof ConfigError || error instanceof PreparedStatementsUnsupportedError ? error.message : null;
}
