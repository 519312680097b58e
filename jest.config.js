/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	// n8n-core keeps timers and sockets of its own alive after the last test.
	forceExit: true,
	testTimeout: 120000,
	// Each test file starts its own sandboxes on free ports; two workers fit CI's two cores.
	maxWorkers: 2,
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	// sanitize-html (under n8n's Send Email node) needs ES modules Jest cannot load: see the stand-in.
	moduleNameMapper: { '^sanitize-html$': '<rootDir>/test/setup/stubs/sanitize-html.js' },
	// One fixed clock for the sandboxes and the nodes, whatever the machine's date.
	setupFiles: ['<rootDir>/test/setup/clock.ts', '<rootDir>/test/setup/n8n-log.ts'],
	// Scans every workflow run and every log line for leaked secrets.
	setupFilesAfterEnv: ['<rootDir>/test/setup/secrets.ts'],
	globalTeardown: '<rootDir>/test/setup/teardown.ts',
};
