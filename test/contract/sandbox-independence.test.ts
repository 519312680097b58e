/**
 * The sandboxes are doubles of the real systems, written to their behaviour: none of their code
 * may come from the package (a sandbox computing taxes with the node's engine could never disagree
 * with it). Each sandbox file's imports are read and checked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const SANDBOX = path.resolve(__dirname, '../../sandbox');

function files(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

test('no sandbox file imports the package (nodes/ or credentials/)', () => {
	const all = files(SANDBOX);
	expect(all.length).toBeGreaterThan(10);
	const offending = all.flatMap((f) =>
		[...fs.readFileSync(f, 'utf8').matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)]
			.map((m) => m[1])
			.filter((spec) => spec.startsWith('.') && /^(nodes|credentials)(\/|$)/.test(path.relative(path.resolve(__dirname, '../..'), path.resolve(path.dirname(f), spec))))
			.map((spec) => `${path.relative(SANDBOX, f)} imports ${spec}`),
	);
	expect(offending).toEqual([]);
});
