import { writeFileSync } from 'node:fs';
import { compileFrame, GENERATED_FILE } from '../src/emails/frame/compile-frame';

// Run after changing frame.mjml: `pnpm --filter @app/auth emails`.
writeFileSync(GENERATED_FILE, await compileFrame());
console.log(`wrote ${GENERATED_FILE}`);
