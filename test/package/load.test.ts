/** The built package as n8n loads a community package: its n8n section, files and classes. */
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackageDirectoryLoader } from 'n8n-core';
import { NodeHelpers } from 'n8n-workflow';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	homepage: string;
	keywords: string[];
	files: string[];
	dependencies?: Record<string, string>;
	peerDependencies: Record<string, string>;
	n8n: { n8nNodesApiVersion: number; nodes: string[]; credentials: string[] };
};

beforeAll(() => {
	// The loader reads dist/: always built afresh, so a stale build is never what is tested.
	execSync('npm run build', { cwd: root, stdio: 'ignore', timeout: 300_000 });
}, 300_000);

test('package.json follows the community-package conventions', () => {
	expect(pkg.name).toMatch(/^n8n-nodes-/);
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.files).toEqual(['dist', 'docs/screenshots']);
	expect(new URL(pkg.homepage).protocol).toBe('https:');
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.n8n.nodes).toHaveLength(6);
	expect(pkg.n8n.credentials).toHaveLength(3);
});

test("the README renders on npm's package page: every image loads from this version of the published package", () => {
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)|<img[^>]+src="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
	expect(images.length).toBeGreaterThan(5);
	// npm's page resolves no relative path without a repository: each is the file as published (jsDelivr serves npm packages).
	const base = `https://cdn.jsdelivr.net/npm/${pkg.name}@${pkg.version}/`;
	expect(images.filter((u) => !u.startsWith(base))).toEqual([]);
	const packed = JSON.parse(execSync('npm pack --dry-run --json --ignore-scripts', { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ files: Array<{ path: string }> }>;
	const shipped = new Set(packed[0].files.map((f) => f.path));
	expect(images.map((u) => u.slice(base.length)).filter((p) => !shipped.has(p))).toEqual([]);
});

test("n8n-core 1.x's package loader loads every node and credential with its codex and icon", async () => {
	const loader = new PackageDirectoryLoader(root);
	await loader.loadAll();
	expect(Object.keys(loader.known.nodes).sort()).toEqual(['odooErp', 'odooErpTrigger', 'pixelPoint', 'pixelPointTrigger', 'procountor', 'procountorTrigger']);
	expect(Object.keys(loader.known.credentials).sort()).toEqual(['codeplusApi', 'odooErpApi', 'procountorApi']);
	// Icons in light and dark variants (n8n's scanner asks for both), for nodes and credentials.
	const themed = (icon: unknown) => {
		const i = icon as { light?: string; dark?: string } | undefined;
		return [i?.light, i?.dark];
	};
	for (const d of [...loader.types.nodes, ...loader.types.credentials]) {
		const [light, dark] = themed(d.iconUrl ?? d.icon);
		expect(String(light)).toMatch(/\.svg$/);
		expect(String(dark)).toMatch(/\.dark\.svg$/);
	}
	for (const d of loader.types.nodes) expect(d.codex?.categories?.length).toBeGreaterThan(0);
	const triggers = loader.types.nodes.filter((d) => d.name.endsWith('Trigger'));
	expect(triggers.every((d) => d.polling === true && !d.usableAsTool)).toBe(true);
	expect(loader.types.nodes.filter((d) => !d.name.endsWith('Trigger')).every((d) => d.usableAsTool === true)).toBe(true);
});

test('as AI-agent tools, every operation of the action nodes gets a description of its own from n8n (what an agent reads to choose)', async () => {
	const loader = new PackageDirectoryLoader(root);
	await loader.loadAll();
	for (const d of loader.types.nodes.filter((x) => x.usableAsTool)) {
		const seen = new Map<string, string>();
		for (const op of d.properties.filter((p) => p.name === 'operation')) {
			for (const resource of (op.displayOptions?.show?.resource as string[] | undefined) ?? []) {
				for (const o of (op.options ?? []) as Array<{ value: string; description?: string; action?: string }>) {
					// n8n's own description of a node used as a tool (the "auto" description an agent gets).
					const parameters = { resource, operation: o.value, descriptionType: 'auto' };
					const text = NodeHelpers.getToolDescriptionForNode({ parameters } as never, { description: d } as never);
					expect({ resource, operation: o.value, text }).toEqual({ resource, operation: o.value, text: expect.stringMatching(new RegExp(` in ${d.defaults.name}$`)) });
					// A human description says more than the action name, for the editor and for a description set by hand.
					expect({ resource, operation: o.value, description: o.description ?? '' }).toEqual({ resource, operation: o.value, description: expect.stringMatching(/\S{3,}/) });
					expect(seen.get(text)).toBeUndefined();
					seen.set(text, `${resource}.${o.value}`);
				}
			}
		}
		expect(seen.size).toBeGreaterThan(10);
	}
});
