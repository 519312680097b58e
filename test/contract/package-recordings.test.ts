/**
 * Contract: the package's own calls, recorded from real Odoo 17, 18 and 19 (19 over JSON-2, with an
 * API key) on the integrator's database (`npm run record:odoo`, transcripts/package-odoo<N>/), replayed in order against the
 * sandbox of the same version seeded like that database (profile `integrator`): every template
 * over a year end, the counter payment, sessions closed and dated on their business day, and what
 * real Odoo refuses or ignores. Answers must match in shape, keys, types, error names, states and
 * amounts.
 *
 * Where the sandbox still answers otherwise than real Odoo, the difference is listed, with why,
 * in known-differences.json: a new difference fails, and so does a listed one that is gone (the
 * list only shrinks as the sandbox is fixed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OdooSandbox } from '../../sandbox/odoo/server';
import { Replayer, isJson2, loadRecordings } from './replay';

interface Known {
	why: Record<string, string>;
	differences: string[];
}
const known = JSON.parse(fs.readFileSync(path.join(__dirname, 'known-differences.json'), 'utf8')) as Record<string, Known>;
/** A difference as listed: its first 240 characters (answers are long). */
const key = (failure: string) => failure.slice(0, 240);

for (const version of [17, 18, 19] as const) {
	const folder = `package-odoo${version}`;
	const recordings = loadRecordings(folder);
	const calls = recordings.flatMap((r) => r.calls.map((call, index) => ({ file: r.file, index, call })));
	const listed = new Set((known[folder]?.differences ?? []).map(key));
	const seen = new Set<string>();

	describe(`Odoo ${version} sandbox replays the package's calls recorded from real Odoo ${version}`, () => {
		const sandbox = new OdooSandbox({ version, database: 'n8n_contract', password: 'admin', profile: 'integrator' });
		const replayer = new Replayer(sandbox);

		beforeAll(async () => {
			await sandbox.start();
		});
		afterAll(async () => {
			await sandbox.stop();
		});

		test('the transcripts hold every template and the probes', () => {
			expect(calls.length).toBeGreaterThan(400);
			expect(recordings.map((r) => r.file)).toEqual(expect.arrayContaining(['01-transport.json', '03-pixelpoint-order-import.json', '05-pos-session-auto-close.json']));
		});

		if (version >= 19) {
			test('with an API key every call went over JSON-2 (the version at /json/version), none over /jsonrpc', () => {
				const byWay = calls.map((c) => (isJson2(c.call) ? c.call.endpoint.split('/').slice(0, 3).join('/') : 'POST /jsonrpc'));
				expect(byWay.filter((w) => w === 'POST /jsonrpc')).toEqual([]);
				expect(byWay.filter((w) => w === 'POST /json/2').length).toBeGreaterThan(400);
			});
		}

		test.each(calls.map((c) => [`${c.file} #${c.index + 1}: ${c.call.note}`, c] as const))('%s', async (_title, c) => {
			const before = replayer.failures.length;
			await replayer.replay(c.file, c.index, c.call);
			const found = replayer.failures.slice(before).map(key);
			found.forEach((f) => seen.add(f));
			expect(found.filter((f) => !listed.has(f))).toEqual([]);
		});

		test('every listed difference still occurs (remove what the sandbox no longer does)', () => {
			expect([...listed].filter((f) => !seen.has(f))).toEqual([]);
		});
	});
}
