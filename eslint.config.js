import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '**/*.js', 'out/', 'cdk.out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/engines/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'engines take config as parameters' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'engines take time as a parameter' },
        { object: 'Math', property: 'random', message: 'engines are deterministic' },
      ],
    },
  },
);
