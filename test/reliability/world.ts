/** Every shipped template against one set of sandboxes, and the end state they leave, keyed by business keys (not ids). */
import type { IDataObject } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { type FlowOutcome, listTemplates, runTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes, type SandboxPorts } from '../../sandbox';

export interface World {
	sb: Sandboxes;
	engine: Engine;
	/** Static data per template, kept between runs as n8n keeps it for an active workflow. */
	state: Map<string, IDataObject>;
}

export async function startWorld(ports: SandboxPorts = {}, days = 3): Promise<World> {
	const sb = await startSandboxes(ports, { codeplus: { days } });
	return { sb, engine: new Engine(sb.credentials()), state: new Map() };
}

/** Runs one template; with `attempts` > 1 it is run again until its audit record says success, as the schedule would. */
export async function run(w: World, template: string, attempts = 1): Promise<FlowOutcome> {
	let last: FlowOutcome | undefined;
	for (let k = 0; k < attempts; k++) {
		const st = w.state.get(template) ?? {};
		w.state.set(template, st);
		last = await runTemplate(w.engine, template, st, w.sb.settings());
		if (process.env.WORLD_DEBUG && template === process.env.WORLD_DEBUG) console.log(`${template} attempt ${k + 1}: ${JSON.stringify(last.summary[0] ?? last.error).slice(0, 1500)}`);
		if (last.ok) return last;
	}
	return last!;
}

export async function runAll(w: World, attempts = 1): Promise<Record<string, FlowOutcome>> {
	const out: Record<string, FlowOutcome> = {};
	for (const t of listTemplates()) out[t] = await run(w, t, attempts);
	return out;
}

/** Payments as a bank would record them in Procountor, on the Procountor invoices of three Odoo invoices. */
export function recordPayments(w: World): void {
	const invoices = [...w.sb.procountor.invoices.values()].sort((a, b) => String(a.orderReference).localeCompare(String(b.orderReference)));
	const sales = invoices.filter((i) => Number(i.totalAmount) > 0).slice(0, 3);
	sales.forEach((inv, k) => w.sb.procountor.recordPayment(Number(inv.id), k === 0 ? Math.round(Number(inv.totalAmount) * 50) / 100 : Number(inv.totalAmount), `2026-11-1${k}`));
}

/** A snapshot that holds real work: a "nothing changed" or "equal" check on an empty world proves nothing. */
export function expectSubstantial(s: IDataObject): void {
	const size = (k: string) => (Array.isArray(s[k]) ? (s[k] as unknown[]).length : Object.keys((s[k] as object) ?? {}).length);
	expect({ orders: size('orders') > 100, sessions: size('sessions') >= 6, products: size('products') > 100, procountor: size('procountor') > 5, payments: size('payments') > 3, received: size('received') > 5 }).toEqual({
		orders: true,
		sessions: true,
		products: true,
		procountor: true,
		payments: true,
		received: true,
	});
}

/** The end state, by business keys. */
export function snapshot(w: World): IDataObject {
	const db = w.sb.odoo.db;
	const env = w.sb.odoo.env({ active_test: false });
	const xids = db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', 'in', ['pixelpoint', 'procountor', 'pos_counter']]]), ['module', 'name', 'model', 'res_id']);
	const key = (x: Record<string, unknown>) => `${String(x.module)}.${String(x.name)}`;
	const recordOf = (model: string, fields: string[]) =>
		Object.fromEntries(
			xids
				.filter((x) => x.model === model && !String(x.name).startsWith('import_lock') && !String(x.name).startsWith('claim_') && !String(x.name).startsWith('tender_'))
				.map((x) => [key(x), db.read(env, model, [x.res_id as number], fields)[0] ?? null])
				.map(([k, r]) => [k, r ? Object.fromEntries(Object.entries(r as IDataObject).filter(([f]) => f !== 'id')) : null]),
		);
	const orders = db.read(env, 'pos.order', db.search(env, 'pos.order', [['pos_reference', 'like', 'PixelPoint ']]), ['pos_reference', 'amount_total', 'state']);
	const sessions = recordOf('pos.session', ['state']);
	const moves = Object.fromEntries(
		xids
			.filter((x) => x.model === 'pos.session')
			.map((x) => {
				const s = db.browse('pos.session', x.res_id as number)!;
				const m = s.move_id ? db.browse('account.move', s.move_id as number) : undefined;
				return [key(x), m ? { date: m.date, state: m.state } : null];
			}),
	);
	const invoices = db.read(env, 'account.move', db.search(env, 'account.move', [['move_type', 'in', ['out_invoice', 'out_refund']]]), ['name', 'payment_state', 'amount_residual']);
	const payments = db.read(env, 'account.payment', db.search(env, 'account.payment', []), ['amount', 'date', 'ref', 'state', 'reconciled_invoice_ids']).map((p) => ({
		amount: p.amount,
		date: p.date,
		state: p.state,
		invoices: (p.reconciled_invoice_ids as number[]).map((id) => db.browse('account.move', id)!.name),
	}));
	const procountor = [...w.sb.procountor.invoices.values()].map((i) => ({ ref: i.orderReference, status: i.status, total: i.totalAmount, rows: (i.invoiceRows as unknown[]).length }));
	return {
		shops: recordOf('pos.config', ['name', 'active']),
		methods: recordOf('pos.payment.method', ['name', 'active']),
		categories: recordOf('pos.category', ['name']),
		products: recordOf('product.product', ['name', 'list_price', 'active', 'taxes_id']),
		pricelists: recordOf('product.pricelist', ['name', 'active']),
		// Partners by name: their external ids carry ids Procountor assigns in creation order.
		partners: Object.values(recordOf('res.partner', ['name', 'company_registry'])).map((p) => JSON.stringify(p)).sort(),
		parameters: recordOf('ir.config_parameter', ['key', 'value']),
		exported: xids.filter((x) => x.module === 'procountor' && x.model === 'account.move' && String(x.name).startsWith('invoice_')).length,
		keyedPayments: xids.filter((x) => x.model === 'account.payment').length,
		orders: orders.map((o) => `${o.pos_reference} ${o.amount_total} ${o.state}`).sort(),
		sessions,
		moves,
		invoices: invoices.map((i) => `${i.name} ${i.payment_state} ${i.amount_residual}`).sort(),
		payments: payments.map((p) => JSON.stringify(p)).sort(),
		procountor: procountor.map((p) => JSON.stringify(p)).sort(),
		procountorPartners: [...w.sb.procountor.partners.values()].map((p) => p.name).sort(),
		received: (w.sb.receiver.received as IDataObject[]).map((r) => `${r.invoiceNumber} ${r.status}`).sort(),
	};
}
