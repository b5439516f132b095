/* The test support that needs vitest's runner (the template database it injects): `@app/api/testing/vitest`. */
export { linkTokenIn, startTestApp, type TestApp } from './test-app';
