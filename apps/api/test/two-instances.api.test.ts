import { createDatabase } from '@app/db';
import { openTestDatabase } from '@app/db/testing';
import { inject } from 'vitest';
import { describeTwoInstances } from './support/two-instances';

const template = inject('testDatabaseTemplate');

describeTwoInstances('two instances on one database', template.kind === 'postgres', async () => {
  const database = await openTestDatabase(template);
  const second = database.url ? await createDatabase({ url: database.url, poolSize: 5 }) : database.db;
  return {
    first: database.db,
    second,
    directUrl: database.url,
    async close() {
      if (second !== database.db) await second.destroy();
      await database.close();
    },
  };
});
