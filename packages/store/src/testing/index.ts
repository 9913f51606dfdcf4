export { rawSelect, type TestBackend, type TestStore, testBackends } from './test-stores.js';
