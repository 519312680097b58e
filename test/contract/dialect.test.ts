/**
 * The Odoo dialect (nodes/OdooErp/transport/dialect.ts) against what the package sent real Odoo
 * 17, 18 and 19 and what those servers answered (transcripts/package-odoo<N>/): each choice the
 * dialect makes for a version is the one real Odoo of that version took, and the other one is
 * not sent (or, where a probe asked, real Odoo refused it).
 */
import { ppXids } from '../../nodes/OdooErp/helpers/pixelpoint';
import { buildOrder, inSession } from '../../nodes/OdooErp/helpers/posOrderBuild';
import { computeAll } from '../../nodes/OdooErp/helpers/taxEngine';
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

/** An order Odoo N took, as recorded (one with lines and payments): the keys of the order, of its lines and of its payments. */
function recordedShape(version: number): { order: string[]; line: string[]; payment: string[] } {
	const d = dialectFor(version);
	const paymentsKey = d.orderSync === 'create_from_ui' ? 'statement_ids' : 'payment_ids';
	type Rows = Array<[number, number, Record<string, unknown>]>;
	const orders = loadRecordings(`package-odoo${version}`)
		.flatMap((r) => r.calls.map((c) => sent(r.file, c)))
		.filter((s): s is Sent => s !== undefined && s.target === `pos.order.${d.orderSync}` && !s.failed && !/^(01|12)-/.test(s.file))
		.flatMap((s) => {
			// JSON-RPC: [[orders], kwargs] (its positional arguments, then keywords); JSON-2: { orders: [...] }.
			const req = s.request as [[unknown[]], unknown] | { orders: unknown[] };
			return (Array.isArray(req) ? req[0][0] : req.orders) as Array<Record<string, unknown>>;
		})
		.map((o) => (d.orderSync === 'create_from_ui' ? o.data : o) as Record<string, unknown>);
	const order = orders.find((o) => (o.lines as Rows).length && (o[paymentsKey] as Rows).length)!;
	return { order: Object.keys(order).sort(), line: Object.keys((order.lines as Rows)[0][2]).sort(), payment: Object.keys((order[paymentsKey] as Rows)[0][2]).sort() };
}

describe.each([17, 18, 19] as const)('Odoo %i: an order built now has the shape real Odoo took', (version) => {
	test('the same keys on the order, its lines and its payments', () => {
		const d = dialectFor(version);
		const x = ppXids('pixelpoint');
		const refs = new Map([
			[x.product(1), 11],
			[x.tender(1, 1), 21],
			[x.saleType(1), 31],
		]);
		const built = buildOrder(
			{
				i: 0,
				storeId: 1,
				transact: 100001,
				businessDate: '2026-01-02',
				closeUtc: '2026-01-02 10:00:00',
				openUtc: '2026-01-02 09:50:00',
				status: 'CLOSED',
				saleType: 1,
				finalTotal: 10,
				lines: [{ ProdNum: 1, Description: 'Coffee', Quantity: 2, UnitPrice: 5, Discount: 0 }],
				payments: [{ MethodNum: 1, Amount: 20, Tip: 0, Change: 10 }],
				products: [],
				ref: 'PixelPoint 1-100001',
			},
			{
				x,
				refs,
				productTaxes: new Map([[11, [5]]]),
				taxes: { compute: () => computeAll([], 5, 2, { currencyRounding: 0.01 }), totals: () => ({ total: 10, tax: 0.96 }) },
				dialect: d,
				tolerance: 0.05,
				importTips: true,
				roundingProductId: 41,
			},
		);
		const sent = inSession(built, d, 7);
		const order = (d.orderSync === 'create_from_ui' ? sent.data : sent) as Record<string, unknown>;
		const line = (order.lines as Array<[number, number, Record<string, unknown>]>)[0][2];
		const payment = (order[d.orderSync === 'create_from_ui' ? 'statement_ids' : 'payment_ids'] as Array<[number, number, Record<string, unknown>]>)[0][2];
		const recorded = recordedShape(version);
		expect(Object.keys(order).sort()).toEqual(recorded.order);
		expect(Object.keys(line).sort()).toEqual(recorded.line);
		expect(Object.keys(payment).sort()).toEqual(recorded.payment);
		expect(order.amount_return).toBe(10 * d.changeSign);
	});
});
