/**
 * The package's tax engine and the sandbox's, each against what real Odoo 17 answered
 * (transcripts/odoo17/04-taxes.json) and against line totals worked out by hand: neither is
 * the judge of the other.
 */
import { computeAll, type TaxLike } from '../../nodes/OdooErp/helpers/taxEngine';
import { sandboxComputeAll } from '../../sandbox/odoo/taxes';
import { isJson2, loadRecordings } from '../contract/replay';

interface RecordedTax {
	id: number;
	name: string;
	amount: number;
	amount_type: string;
	price_include?: boolean;
	include_base_amount?: boolean;
	is_base_affected?: boolean;
	sequence?: number;
}

const recording = loadRecordings('odoo17').find((r) => r.file === '04-taxes.json')!;
const taxes = new Map<number, TaxLike>();
const add = (t: RecordedTax) =>
	taxes.set(t.id, {
		id: t.id,
		name: t.name,
		amount: t.amount,
		amount_type: t.amount_type as TaxLike['amount_type'],
		price_include: !!t.price_include,
		include_base_amount: !!t.include_base_amount,
		is_base_affected: t.is_base_affected ?? true,
		sequence: t.sequence ?? 1,
		// Recorded: only the demo database's own "15%" has a tax account.
		account_id: t.name === '15%' ? 19 : false,
		tax_exigibility: 'on_invoice',
		analytic: false,
	});
const cases: Array<{ note: string; ids: number[]; price: number; quantity: number; expected: Record<string, unknown> }> = [];
for (const call of recording.calls) {
	if (isJson2(call)) continue;
	const [, , , model, method, args, kwargs] = call.request.params.args as [string, number, string, string, string, unknown[], Record<string, unknown>];
	if (model !== 'account.tax') continue;
	if (method === 'search_read') for (const t of call.response.result as RecordedTax[]) add(t);
	if (method === 'create') add({ id: call.response.result as number, ...(args[0] as Omit<RecordedTax, 'id'>) });
	if (method === 'compute_all') cases.push({ note: call.note, ids: args[0] as number[], price: args[1] as number, quantity: Number(kwargs.quantity ?? 1), expected: call.response.result as Record<string, unknown> });
}

// Odoo's answers carry binary noise (14.280000000000001): compared to a millionth of a cent.
const exact = (v: number) => Math.round(v * 1e8) / 1e8;
const shape = (r: { total_excluded: number; total_included: number; taxes: Array<{ id: number; amount: number; base: number }> }) => ({
	total_excluded: exact(r.total_excluded),
	total_included: exact(r.total_included),
	taxes: r.taxes.map((t) => ({ id: t.id, amount: exact(t.amount), base: exact(t.base) })),
});

describe('compute_all as real Odoo 17 answered it', () => {
	test('the transcript holds the compute_all calls', () => {
		expect(cases.length).toBeGreaterThanOrEqual(6);
	});
	test.each(cases.map((c) => [c.note, c] as const))('package engine: %s', (_note, c) => {
		const mine = computeAll(c.ids.map((id) => taxes.get(id)!), c.price, c.quantity);
		expect(shape(mine)).toEqual(shape(c.expected as never));
	});
	test.each(cases.map((c) => [c.note, c] as const))('sandbox engine: %s', (_note, c) => {
		const mine = sandboxComputeAll(c.ids.map((id) => taxes.get(id)!), c.price, c.quantity);
		expect(shape(mine)).toEqual(shape(c.expected as never));
	});
});

describe('line totals worked out by hand (round per line, 0.01)', () => {
	const cent = (v: number) => (Math.sign(v) * Math.round(Math.abs(v) * 100 + 1e-7)) / 100;
	const t = (id: number, amount: number, extra: Partial<TaxLike> = {}): TaxLike => ({
		id,
		name: `T${id}`,
		amount,
		amount_type: 'percent',
		price_include: false,
		include_base_amount: false,
		is_base_affected: true,
		sequence: id,
		account_id: 1,
		tax_exigibility: 'on_invoice',
		analytic: false,
		...extra,
	});
	const sets: Array<{ name: string; taxes: TaxLike[]; total: (b: number, q: number) => number }> = [
		{ name: 'VAT 14 % excluded', taxes: [t(1, 14)], total: (b) => cent(b + cent(b * 0.14)) },
		{ name: 'VAT 25.5 % excluded', taxes: [t(1, 25.5)], total: (b) => cent(b + cent(b * 0.255)) },
		{ name: 'VAT 24 % included', taxes: [t(1, 24, { price_include: true })], total: (b) => b },
		{ name: 'eco 2 % affecting VAT 10 %', taxes: [t(1, 2, { include_base_amount: true }), t(2, 10)], total: (b) => cent(b + cent(b * 0.02) + cent((b + cent(b * 0.02)) * 0.1)) },
		{ name: 'deposit 0.15 per unit + VAT 25.5 %', taxes: [t(1, 0.15, { amount_type: 'fixed' }), t(2, 25.5)], total: (b, q) => cent(b + 0.15 * q + cent(b * 0.255)) },
	];
	const prices = [0.01, 0.5, 1.99, 2.675, 3.33, 9.99, 12.4, 17.85, 99.95, 1234.56];
	const quantities = [1, 2, 3, 7, -1, -4];
	test.each(sets.map((s) => [s.name, s] as const))('%s: the package engine equals the hand-worked total for 60 lines', (_name, s) => {
		let checked = 0;
		for (const price of prices) {
			for (const qty of quantities) {
				const b = cent(price * qty);
				expect({ price, qty, total: computeAll(s.taxes, price, qty).total_included }).toEqual({ price, qty, total: s.total(b, qty) });
				checked++;
			}
		}
		expect(checked).toBe(60);
	});
});
