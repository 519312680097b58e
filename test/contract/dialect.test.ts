/**
 * The Odoo dialect (nodes/OdooErp/transport/dialect.ts) against what the package sent real Odoo
 * 17, 18 and 19 and what those servers answered (transcripts/package-odoo<N>/): each choice the
 * dialect makes for a version is the one real Odoo of that version took, and the other one is
 * not sent (or, where a probe asked, real Odoo refused it).
 */
import { dialectFor } from '../../nodes/OdooErp/transport/dialect';
import { type RecordedCall, isJson2, json2Target, loadRecordings } from './replay';

interface Sent {
	file: string;
	note: string;
	target: string;
	request: unknown;
	failed: boolean;
}

function sent(file: string, call: RecordedCall): Sent | undefined {
	if (isJson2(call)) {
		const t = json2Target(call.endpoint);
		if (!t) return undefined;
		return { file, note: call.note, target: `${t.model}.${t.method}`, request: call.request, failed: call.http_status !== 200 };
	}
	const { service, args } = call.request.params;
	if (service !== 'object') return undefined;
	const response = call.response as { error?: unknown };
	return { file, note: call.note, target: `${String(args[3])}.${String(args[4])}`, request: args.slice(5), failed: response?.error !== undefined };
}

/** Every value of `key` anywhere in a request. */
function valuesOf(value: unknown, key: string, found: unknown[] = []): unknown[] {
	if (Array.isArray(value)) for (const v of value) valuesOf(v, key, found);
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			if (k === key) found.push(v);
			valuesOf(v, key, found);
		}
	}
	return found;
}

describe.each([17, 18, 19] as const)('Odoo %i: the dialect is what the real server took', (version) => {
	const d = dialectFor(version);
	const all = loadRecordings(`package-odoo${version}`).flatMap((r) => r.calls.map((c) => sent(r.file, c)).filter((s): s is Sent => s !== undefined));
	// The templates' own calls; 01-transport and 12-refused-and-ignored also hold probes of what Odoo refuses.
	const flows = all.filter((s) => !/^(01|12)-/.test(s.file));
	const targets = new Set(flows.map((s) => s.target));

	test(`orders enter a session by ${d.orderSync}, never by the other method`, () => {
		const other = d.orderSync === 'sync_from_ui' ? 'create_from_ui' : 'sync_from_ui';
		const accepted = flows.filter((s) => s.target === `pos.order.${d.orderSync}` && !s.failed);
		expect(accepted.length).toBeGreaterThan(0);
		expect(targets.has(`pos.order.${other}`)).toBe(false);
		// The envelope goes with the method: {id, data} for create_from_ui, flat orders for sync_from_ui.
		expect(valuesOf(accepted[0].request, 'data').length > 0).toBe(d.orderSync === 'create_from_ui');
		expect(valuesOf(accepted[0].request, d.orderSync === 'create_from_ui' ? 'statement_ids' : 'payment_ids').length).toBeGreaterThan(0);
	});

	test(`the change goes as amount_return with sign ${d.changeSign}`, () => {
		const returns = flows
			.filter((s) => s.target === `pos.order.${d.orderSync}` && !s.failed)
			.flatMap((s) => valuesOf(s.request, 'amount_return') as number[])
			.filter((r) => r !== 0);
		expect(returns.length).toBeGreaterThan(0);
		expect(returns.filter((r) => Math.sign(r) !== d.changeSign)).toEqual([]);
	});

	test(`a session in opening control is opened by ${d.sessionOpening}`, () => {
		expect(flows.some((s) => s.target === `pos.session.${d.sessionOpening}` && !s.failed)).toBe(true);
		if (d.sessionOpening === 'set_opening_control') {
			expect(targets.has('pos.session.set_cashbox_pos')).toBe(false);
			// The older method, probed: real Odoo says it no longer exists.
			const probe = all.filter((s) => s.target === 'pos.session.set_cashbox_pos');
			expect(probe.length).toBeGreaterThan(0);
			expect(probe.every((s) => s.failed)).toBe(true);
		} else {
			expect(targets.has('pos.session.set_opening_control')).toBe(false);
		}
	});

	test(`products carry their POS categories in ${d.posCategoryField}`, () => {
		const loads = flows.filter((s) => s.target === 'product.product.load' && !s.failed);
		expect(loads.length).toBeGreaterThan(0);
		const text = JSON.stringify(loads.map((s) => s.request));
		expect(text).toContain(`"${d.posCategoryField}/id"`);
		expect(text).not.toContain(`"${d.posCategoryField === 'pos_categ_ids' ? 'pos_categ_id' : 'pos_categ_ids'}/id"`);
	});

	test(`the audit trail posts in ${d.channelModel}`, () => {
		expect(flows.some((s) => s.target === `${d.channelModel}.message_post` && !s.failed)).toBe(true);
		expect([...targets].filter((t) => t.startsWith(d.channelModel === 'discuss.channel' ? 'mail.channel.' : 'discuss.channel.'))).toEqual([]);
	});

	// 17 and 18 were recorded with a password; 19 with an API key, which 19 takes over JSON-2.
	if (d.json2) {
		test('with an API key every call goes over JSON-2', () => {
			expect(loadRecordings(`package-odoo${version}`).flatMap((r) => r.calls).filter((c) => !isJson2(c))).toEqual([]);
		});
	}
});

test('Odoo 16 speaks as 17 but for its single POS category and mail.channel; later versions as 19', () => {
	expect(dialectFor(16)).toEqual({ ...dialectFor(17), version: 16, posCategoryField: 'pos_categ_id', channelModel: 'mail.channel' });
	expect(dialectFor(20)).toEqual({ ...dialectFor(19), version: 20 });
	expect(dialectFor(19).taxRounding).toBe('per-tax');
	expect(dialectFor(18).taxRounding).toBe('line-first');
});
