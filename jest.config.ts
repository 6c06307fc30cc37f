import type { Config } from 'jest';

// Every package's tests run from the repository root; sibling packages resolve from source,
// so no build is needed before `npm test`. Type errors are caught by `npm run typecheck`
// (ts-jest runs with isolatedModules, which transpiles without type-checking).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^@weir/([a-z-]+)/testing$': '<rootDir>/packages/$1/src/testing/index.ts',
    '^@weir/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // what the example jobs write when run (data, checkpoints, results) is not part of the tests
  modulePathIgnorePatterns: ['<rootDir>/examples/output/'],
};

export default config;
