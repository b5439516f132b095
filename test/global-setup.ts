import type { TestProject } from 'vitest/node';
import { createTestDatabaseTemplate, dropTestDatabaseTemplate } from '@app/db/testing';

// One migrated template per run; every test file gets its own copy (see openTestDatabase).
export default async function setup(project: TestProject) {
  const template = await createTestDatabaseTemplate(process.env.DATABASE_URL || undefined);
  project.provide('testDatabaseTemplate', template);
  return () => dropTestDatabaseTemplate(template);
}
