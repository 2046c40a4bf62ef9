import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * The boundaries, as `no-restricted-imports` rules (README, "Layout"):
 * - src/auth is a module another app could lift out: it imports nothing of the app and not
 *   @nestjs/swagger (OpenAPI is written by src/openapi);
 * - src/auth/core and src/auth/keys are plain TypeScript: no Nest, Passport, Express or Fastify;
 * - production code never imports a testing folder (the test kit, @nestjs/testing, supertest);
 * - the app uses src/auth through its barrel (src/auth/index.ts); the doctor, a tool built on the
 *   auth core, is the one exception.
 * ESLint applies one configuration of a rule per file, so each block below lists every
 * restriction that holds for its files.
 */
const leavesAuth = (depth) => ({
  regex: `^${'\\.\\./'.repeat(depth)}`,
  message: 'src/auth imports nothing of the app: it is a module another app could lift out.',
});
const swagger = {
  name: '@nestjs/swagger',
  message: 'src/auth stays free of OpenAPI; src/openapi documents the routes from its metadata.',
};
const frameworks = {
  regex: '^(@nestjs/|passport|express$|fastify$)',
  message: 'src/auth/core and src/auth/keys are plain TypeScript: adapt them in src/auth instead.',
};
const testing = [
  { regex: '(^|/)testing(/|$)', message: 'Production code never imports the test kit.' },
  { regex: '^(@nestjs/testing|supertest)$', message: 'Production code never imports test tools.' },
];
const authInternals = {
  regex: '(^|/)auth/(?!index\\.js$)',
  message: 'Use src/auth through its barrel (src/auth/index.ts); make it public there if needed.',
};

function restrict(files, ignores, patterns, paths = []) {
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

const specs = ['**/*.spec.ts'];

export default tseslint.config(
  { ignores: ['dist', 'coverage', 'node_modules', '.stryker-tmp*', 'reports'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] } },
    },
    rules: {
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // The app: through the barrel, never the kit.
  restrict(
    ['src/**/*.ts'],
    ['src/auth/**', 'src/doctor/**', ...specs],
    [authInternals, ...testing],
  ),
  restrict(['src/doctor/**/*.ts'], specs, testing),
  // src/auth: nothing of the app, no OpenAPI; its production code never imports the kit.
  restrict(['src/auth/*.ts'], specs, [leavesAuth(1), ...testing], [swagger]),
  restrict(['src/auth/*.spec.ts'], [], [leavesAuth(1)], [swagger]),
  restrict(['src/auth/testing/**/*.ts'], [], [leavesAuth(2)], [swagger]),
  // core and keys: plain TypeScript besides.
  restrict(
    ['src/auth/core/**/*.ts', 'src/auth/keys/**/*.ts'],
    specs,
    [leavesAuth(2), frameworks, ...testing],
    [swagger],
  ),
  restrict(
    ['src/auth/core/**/*.spec.ts', 'src/auth/keys/**/*.spec.ts'],
    [],
    [leavesAuth(2), frameworks],
    [swagger],
  ),
  prettier,
);
