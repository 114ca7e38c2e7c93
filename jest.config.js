// Test code is written as .cts: n8n-node lint (strict mode, default config) lints every .ts file
// with the community-node rules meant for shipped node code; .cts files are outside that scope.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
const shared = {
	testEnvironment: 'node',
	transform: { '^.+\\.c?ts$': tsJest },
	moduleFileExtensions: ['ts', 'cts', 'js', 'cjs', 'json'],
	resolver: '<rootDir>/test/jest-resolver.js',
};
module.exports = {
	projects: [
		{
			...shared,
			displayName: 'unit',
			testMatch: ['<rootDir>/test/**/*.test.{ts,cts}'],
			testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
		},
		{
			...shared,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.{ts,cts}'],
		},
	],
};
