/**
 * Contract: every call recorded from a real Odoo 17 server is replayed, in order, against a
 * fresh sandbox seeded like that database; answers must have the same shape, keys, types,
 * error names, states and amounts (ids, names and timestamps may differ).
 */
import { OdooSandbox } from '../../sandbox/odoo/server';
import { Replayer, loadRecordings } from './replay';

const recordings = loadRecordings();
const calls = recordings.flatMap((r) => r.calls.map((call, index) => ({ file: r.file, index, call })));

describe('Odoo sandbox replays the recorded Odoo 17 calls', () => {
	const sandbox = new OdooSandbox({ version: 17, database: 'odoo17', profile: 'recorded' });
	const replayer = new Replayer(sandbox);

	beforeAll(async () => {
		await sandbox.start();
	});
	afterAll(async () => {
		await sandbox.stop();
	});

	test('the recordings hold 106 calls', () => {
		expect(calls).toHaveLength(106);
	});

	test.each(calls.map((c) => [`${c.file} #${c.index + 1}: ${c.call.note}`, c] as const))('%s', async (_title, c) => {
		const before = replayer.failures.length;
		await replayer.replay(c.file, c.index, c.call);
		expect(replayer.failures.slice(before)).toEqual([]);
	});
});
