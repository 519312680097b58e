import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type { ExternalIdRow } from '../../helpers/interfaces';
import { failItem, ok, passOn } from '../../helpers/items';
import { type CloseResult, ensureSession, sessionXids } from '../../helpers/posSessions';
import { type LineInput, TaxBook } from '../../helpers/taxBook';
import { roundTo } from '../../helpers/taxEngine';
import { resolveXids, upsertRows } from '../../helpers/upsert';
import { type PpXids, ownProducts } from '../../helpers/pixelpoint';
import { DataError, InputError, chunk } from '../../helpers/utils';
import { UnknownOutcomeError, isUnreachable } from '../../../shared/http';
import type { OdooClient, OdooDialect } from '../../transport';
import { namespaceOf, namespaceProperty } from '../../helpers/posMasterData';
import { posCategoryColumn, productCells, productTaxProperties, taxChooser } from '../../helpers/posProducts';

const properties: INodeProperties[] = [
	namespaceProperty,
	{
		displayName: 'Rounding Tolerance',
		name: 'tolerance',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 0.05,
		description:
			"Largest difference between Odoo's computed total and PixelPoint's FinalTotal that is posted on the rounding product; a larger one rejects the invoice",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Orders per Call',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 1000 },
				default: 100,
				description: 'How many orders one create_from_ui (sync_from_ui on Odoo 18+) call carries',
			},
			{
				displayName: 'Import Tips',
				name: 'importTips',
				type: 'boolean',
				default: true,
				description:
					"Whether PixelPoint's tips go on the orders as Odoo's restaurant POS books them: a line of the tip product (no tax, not revenue of the sale) and payments that include the tip, so each session's cash and card totals are what PixelPoint collected",
			},
			{
				displayName: 'Create Missing Products',
				name: 'createProducts',
				type: 'boolean',
				default: true,
				description:
					'Whether to create a product the catalogue pull missed from the details the PixelPoint node attaches (Attach Product Details), with the taxes below',
			},
			...productTaxProperties.map((p) => ({ ...p, required: false })),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['posOrder'], operation: ['importPixelPoint'] } }, properties);

interface Tender {
	MethodNum: number;
	Amount: number;
	/** Given on top of Amount (PixelPoint's FinalTotal leaves it out). */
	Tip: number;
	Change: number;
}

interface Line {
	ProdNum: number;
	Description: string;
	Quantity: number;
	UnitPrice: number;
	Discount: number;
}

interface Invoice {
	i: number;
	storeId: number;
	transact: number;
	businessDate: string;
	closeUtc: string;
	openUtc: string;
	status: 'CLOSED' | 'REFUND' | 'VOID';
	saleType: number;
	finalTotal: number;
	lines: Line[];
	payments: Tender[];
	products: IDataObject[];
	ref: string;
}

interface BuiltOrder {
	inv: Invoice;
	payload: IDataObject;
	/** FinalTotal and the tip. */
	amountTotal: number;
	rounding: number;
	tip: number;
}

const LOCK_STALE_MS = 15 * 60 * 1000;

const num = (v: unknown, field: string, where: string): number => {
	const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
	if (!Number.isFinite(n)) throw new InputError(`${where}: ${field} is missing or not a number (got ${JSON.stringify(v)})`, field);
	return n;
};

const utc = (iso: unknown, field: string, where: string): string => {
	const t = Date.parse(String(iso ?? ''));
	if (typeof iso !== 'string' || Number.isNaN(t) || !/([zZ]|[+-]\d{2}:?\d{2})$/.test(iso)) {
		throw new InputError(`${where}: ${field} ${JSON.stringify(iso)} is not an ISO 8601 time with offset`, field);
	}
	return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
};

/** Checks one PixelPoint invoice and reads it into what the import needs. */
export function parseInvoice(json: IDataObject, i: number): Invoice {
	const storeId = Number(json.StoreId);
	const transact = Number(json.TransactNum);
	if (!Number.isInteger(storeId) || storeId <= 0) throw new InputError(`StoreId is missing or not a store number (got ${JSON.stringify(json.StoreId)})`, 'StoreId');
	if (!Number.isInteger(transact) || transact <= 0) throw new InputError(`Store ${storeId}: TransactNum is missing or not a number (got ${JSON.stringify(json.TransactNum)})`, 'TransactNum');
	const where = `Store ${storeId}, transaction ${transact}`;
	const status = String(json.Status ?? '').toUpperCase();
	if (!['CLOSED', 'REFUND', 'VOID'].includes(status)) throw new InputError(`${where}: Status ${JSON.stringify(json.Status)} is not CLOSED, REFUND or VOID`, 'Status');
	const businessDate = String(json.BusinessDate ?? '');
	if (!/^\d{4}-\d{2}-\d{2}$/.test(businessDate) || Number.isNaN(Date.parse(businessDate))) {
		throw new InputError(`${where}: BusinessDate ${JSON.stringify(json.BusinessDate)} is not a date (YYYY-MM-DD)`, 'BusinessDate');
	}
	const closeUtc = utc(json.CloseTime, 'CloseTime', where);
	const openUtc = json.OpenTime ? utc(json.OpenTime, 'OpenTime', where) : closeUtc;
	if (!Array.isArray(json.Lines)) throw new InputError(`${where}: Lines is missing`, 'Lines');
	if (!Array.isArray(json.Payments)) throw new InputError(`${where}: Payments is missing`, 'Payments');
	const lines = (json.Lines as IDataObject[]).map((l, k) => {
		const lw = `${where}, line ${k + 1}`;
		const prod = Number(l.ProdNum);
		if (!Number.isInteger(prod) || prod <= 0) throw new InputError(`${lw}: ProdNum is missing or not a product number (got ${JSON.stringify(l.ProdNum)})`, 'ProdNum');
		const qty = num(l.Quantity, 'Quantity', lw);
		if (status !== 'VOID' && qty === 0) throw new InputError(`${lw}: Quantity is zero`, 'Quantity');
		if (status === 'REFUND' && qty > 0) throw new InputError(`${lw}: a refund line must have a negative Quantity (got ${qty})`, 'Quantity');
		if (status === 'CLOSED' && qty < 0) throw new InputError(`${lw}: a sale line must have a positive Quantity (got ${qty}); returns are REFUND invoices`, 'Quantity');
		return { ProdNum: prod, Description: String(l.Description ?? ''), Quantity: qty, UnitPrice: num(l.UnitPrice, 'UnitPrice', lw), Discount: num(l.Discount ?? 0, 'Discount', lw) };
	});
	const payments = (json.Payments as IDataObject[]).map((p, k) => {
		const pw = `${where}, payment ${k + 1}`;
		const method = Number(p.MethodNum);
		if (!Number.isInteger(method)) throw new InputError(`${pw}: MethodNum is missing (got ${JSON.stringify(p.MethodNum)})`, 'MethodNum');
		const change = num(p.Change ?? 0, 'Change', pw);
		if (change < 0) throw new InputError(`${pw}: Change is negative (${change})`, 'Change');
		const tip = num(p.Tip ?? 0, 'Tip', pw);
		if (tip < 0) throw new InputError(`${pw}: Tip is negative (${tip})`, 'Tip');
		return { MethodNum: method, Amount: num(p.Amount, 'Amount', pw), Tip: tip, Change: change };
	});
	const finalTotal = num(json.FinalTotal, 'FinalTotal', where);
	if (status === 'CLOSED' && finalTotal < 0) throw new InputError(`${where}: a sale cannot have a negative FinalTotal (${finalTotal})`, 'FinalTotal');
	if (status === 'REFUND' && finalTotal > 0) throw new InputError(`${where}: a refund must have a FinalTotal of zero or less (${finalTotal})`, 'FinalTotal');
	if (status !== 'VOID') {
		const paid = roundTo(payments.reduce((s, p) => s + p.Amount - p.Change, 0));
		if (Math.abs(paid - finalTotal) > 0.005) throw new InputError(`${where}: the payments come to ${paid} (amounts less change) but FinalTotal is ${finalTotal}`, 'Payments');
	}
	return {
		i,
		storeId,
		transact,
		businessDate,
		closeUtc,
		openUtc,
		status: status as Invoice['status'],
		saleType: Number(json.SaleTypeNum ?? 0),
		finalTotal,
		lines,
		payments,
		products: Array.isArray(json.Products) ? (json.Products as IDataObject[]) : [],
		ref: `PixelPoint ${storeId}-${transact}`,
	};
}

/** Odoo stores discounts as percentages with two decimals: PixelPoint's discount amount, as such. */
export function discountPercent(line: Line): number {
	const gross = line.Quantity * line.UnitPrice;
	if (!gross || !line.Discount) return 0;
	return roundTo((line.Discount / gross) * 100, 0.01);
}

const uuidOf = (text: string) => {
	const h = createHash('sha1').update(text).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * PixelPoint invoices → Odoo POS orders in sessions per (store, business date). Taxes as Odoo
 * computes them; the drift to FinalTotal within the tolerance on a rounding product; voids
 * skipped; refunds negative; missing products created from the attached details. An invoice
 * already imported is skipped, also when two executions run at once (per-invoice locks on
 * Odoo's unique external-id index). Orders go many per call; a failing one is isolated.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const x = namespaceOf(this);
	const module = x.store(0).split('.')[0];
	const tolerance = Number(this.getNodeParameter('tolerance', 0, 0.05));
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const batchSize = Number(options.batchSize ?? 100) || 100;
	const importTips = options.importTips !== false;
	const out: INodeExecutionData[] = [];
	const dialect = await client.dialect();

	// 1. Read and check every invoice.
	const invoices: Invoice[] = [];
	const seen = new Map<string, number>();
	for (let i = 0; i < items.length; i++) {
		try {
			const json = items[i].json;
			if (!Object.keys(json).length) continue;
			if (json.TransactNum === undefined && typeof json.error === 'string') throw new InputError(`The PixelPoint step before failed: ${json.error}`);
			const inv = parseInvoice(json, i);
			if (inv.status === 'VOID') {
				out[i] = ok({ StoreId: inv.storeId, TransactNum: inv.transact, BusinessDate: inv.businessDate, status: 'skipped', reason: 'void' }, i);
				continue;
			}
			const dup = seen.get(inv.ref);
			if (dup !== undefined) {
				out[i] = ok({ StoreId: inv.storeId, TransactNum: inv.transact, BusinessDate: inv.businessDate, status: 'skipped', reason: `duplicate of item ${dup}` }, i);
				continue;
			}
			seen.set(inv.ref, i);
			invoices.push(inv);
		} catch (error) {
			// What identifies it, as far as it can be read: the waiting list keeps it by that.
			const item = failItem(this, error, i);
			const { StoreId, TransactNum, BusinessDate, CloseTime, error: before } = items[i].json;
			Object.assign(item.json, { StoreId, TransactNum, BusinessDate, CloseTime, retryable: TransactNum === undefined && typeof before === 'string' });
			out[i] = item;
		}
	}
	if (!invoices.length) return out;
	// Errors keep the invoice's identity, and say whether trying again later can help (Odoo
	// unreachable, a shop, product, tender or tax to set up, an earlier day not yet imported) or
	// a person must decide (the invoice is wrong in itself, or too late for its closed session).
	const identity = (inv: Invoice): IDataObject => ({ StoreId: inv.storeId, TransactNum: inv.transact, BusinessDate: inv.businessDate, CloseTime: `${inv.closeUtc.replace(' ', 'T')}Z` });
	const fail = (inv: Invoice, error: unknown, retryable = !(error instanceof DataError)) => {
		const item = failItem(this, error, inv.i);
		Object.assign(item.json, { ...identity(inv), retryable });
		out[inv.i] = item;
	};
	const skip = (inv: Invoice, reason: string, extra: IDataObject = {}) => (out[inv.i] = ok({ ...identity(inv), status: 'skipped', reason, ...extra }, inv.i));

	// A failure of the whole step (Odoo unreachable, a tax that does not exist) is every pending
	// invoice's failure, with its identity, so each one waits to be imported again.
	try {
		// 2. Already imported? One search per 1,000 receipts.
		let pending: Invoice[] = [];
		for (const part of chunk(invoices, 1000)) {
			const found = await client.call<Array<{ id: number; pos_reference: string; session_id: [number, string] }>>('pos.order', 'search_read', {
				args: [[['pos_reference', 'in', part.map((p) => p.ref)]]],
				kwargs: { fields: ['pos_reference', 'session_id'] },
			});
			const done = new Map(found.map((f) => [f.pos_reference, f]));
			for (const inv of part) {
				const f = done.get(inv.ref);
				if (f) skip(inv, 'already imported', { orderId: f.id, sessionId: f.session_id?.[0] });
				else pending.push(inv);
			}
		}
		if (!pending.length) return out;

		// 3. Everything the orders refer to, in one external-id lookup.
		const refs = await resolveXids(client, [
			...new Set(
				pending.flatMap((inv) => [
					x.store(inv.storeId),
					x.saleType(inv.saleType),
					...inv.lines.map((l) => x.product(l.ProdNum)),
					...inv.payments.flatMap((p) => [x.tender(inv.storeId, p.MethodNum), x.cardMethod(p.MethodNum)]),
				]),
			),
		]);

		// 4. Products the catalogue pull missed: create them from the attached details.
		const missing = new Map<number, IDataObject>();
		const refused = new Map<number, string>();
		for (const inv of pending) {
			for (const l of inv.lines) {
				if (refs.has(x.product(l.ProdNum)) || missing.has(l.ProdNum)) continue;
				const details = inv.products.find((p) => Number(p.ProdNum) === l.ProdNum);
				if (details) missing.set(l.ProdNum, details);
			}
		}
		const company = await client.company();
		if (missing.size && options.createProducts !== false) {
			const taxFor = await taxChooser(this, client, 'options.');
			const column = await posCategoryColumn(client);
			const rows = [...missing.values()].map((p) => productCells(p, x, column, taxFor, company.id));
			const res = await upsertRows(client, 'product.product', rows.map((r) => ({ xid: x.product(r.num), cells: r.cells })), { skipUnchanged: true });
			res.forEach((o, k) => (o.id ? refs.set(x.product(rows[k].num), o.id) : refused.set(rows[k].num, String(o.error))));
		}
		const own = ownProducts(x, company.id);
		const tipped = importTips && pending.some((inv) => inv.payments.some((p) => p.Tip));
		const [rounding, tipProduct] = await upsertRows(client, 'product.product', tipped ? [own.rounding, own.tip] : [own.rounding], { skipUnchanged: true });
		if (!rounding.id) throw new InputError(`Odoo refused the rounding product: ${rounding.error}`);
		if (tipped && !tipProduct?.id) throw new InputError(`Odoo refused the tip product: ${tipProduct?.error}`);

		// 5. Product taxes, then line taxes as Odoo computes them.
		const productIds = [...new Set([...refs.entries()].filter(([k]) => k.startsWith(`${module}.product_`)).map(([, v]) => v))];
		const productTaxes = new Map<number, number[]>();
		for (const part of chunk(productIds, 2000)) {
			for (const p of await client.call<Array<{ id: number; taxes_id: number[] }>>('product.product', 'read', { ids: part, kwargs: { fields: ['taxes_id'], context: { active_test: false } } })) {
				productTaxes.set(p.id, p.taxes_id);
			}
		}
		const ready: Invoice[] = [];
		const lineInputs: LineInput[] = [];
		for (const inv of pending) {
			try {
				const where = `Store ${inv.storeId}, transaction ${inv.transact}`;
				if (!refs.has(x.store(inv.storeId))) throw new InputError(`${where}: store ${inv.storeId} has no POS shop in Odoo: run the master-data template first`, 'StoreId');
				for (const l of inv.lines) {
					const pid = refs.get(x.product(l.ProdNum));
					if (!pid && refused.has(l.ProdNum)) throw new InputError(`${where}: Odoo refused to create product ${l.ProdNum} (${l.Description}): ${refused.get(l.ProdNum)}`, 'ProdNum');
					if (!pid) {
						throw new InputError(
							`${where}: product ${l.ProdNum} (${l.Description}) is not in Odoo and the invoice carries no details to create it: turn on Attach Product Details in the PixelPoint node`,
							'ProdNum',
						);
					}
					const pct = discountPercent(l);
					if (pct < 0 || pct > 100) throw new DataError(`${where}: the discount of ${l.Discount} on product ${l.ProdNum} is not between 0 and the line amount`, 'Discount');
					lineInputs.push({ taxIds: productTaxes.get(pid) ?? [], priceUnit: l.UnitPrice * (1 - pct / 100), quantity: l.Quantity });
				}
				for (const p of inv.payments) {
					if (!refs.get(x.tender(inv.storeId, p.MethodNum)) && !refs.get(x.cardMethod(p.MethodNum))) {
						throw new InputError(`${where}: tender ${p.MethodNum} of store ${inv.storeId} is not in Odoo: run the master-data template first`, 'MethodNum');
					}
				}
				ready.push(inv);
			} catch (error) {
				fail(inv, error);
			}
		}
		const taxes = new TaxBook(client);
		await taxes.prepare(lineInputs);

		// 6. Orders with their lines, rounding line and payments.
		const built: BuiltOrder[] = [];
		for (const inv of ready) {
			try {
				const where = `Store ${inv.storeId}, transaction ${inv.transact}`;
				const inputs: LineInput[] = [];
				const lines: IDataObject[] = inv.lines.map((l, k) => {
					const pid = refs.get(x.product(l.ProdNum))!;
					const taxIds = productTaxes.get(pid) ?? [];
					const discount = discountPercent(l);
					const input = { taxIds, priceUnit: l.UnitPrice * (1 - discount / 100), quantity: l.Quantity };
					inputs.push(input);
					const r = taxes.compute(input);
					return {
						product_id: pid,
						qty: l.Quantity,
						price_unit: l.UnitPrice,
						discount,
						tax_ids: [[6, 0, taxIds]],
						price_subtotal: r.total_excluded,
						price_subtotal_incl: r.total_included,
						full_product_name: l.Description,
						uuid: uuidOf(`${inv.ref}/${k}`),
					};
				});
				// The order's total as Odoo computes it from these lines (per line, or globally).
				const { total, tax } = taxes.totals(inputs);
				const drift = roundTo(inv.finalTotal - total);
				if (Math.abs(drift) > tolerance + 1e-9) {
					throw new InputError(
						`${where}: Odoo computes ${total.toFixed(2)} but PixelPoint's FinalTotal is ${inv.finalTotal.toFixed(2)}; the difference ${drift.toFixed(2)} is above the rounding tolerance ${tolerance}`,
						'FinalTotal',
					);
				}
				if (drift) {
					lines.push({
						product_id: rounding.id,
						qty: 1,
						price_unit: drift,
						discount: 0,
						tax_ids: [[6, 0, []]],
						price_subtotal: drift,
						price_subtotal_incl: drift,
						full_product_name: 'Rounding difference',
						uuid: uuidOf(`${inv.ref}/rounding`),
					});
				}
				// Tips: a line of their own, without tax, and in the payments they came with.
				const tipOf = (p: Tender) => (importTips ? p.Tip : 0);
				const tips = roundTo(inv.payments.reduce((s, p) => s + tipOf(p), 0));
				if (tips) {
					lines.push({
						product_id: tipProduct!.id,
						qty: 1,
						price_unit: tips,
						discount: 0,
						tax_ids: [[6, 0, []]],
						price_subtotal: tips,
						price_subtotal_incl: tips,
						full_product_name: 'Tip',
						uuid: uuidOf(`${inv.ref}/tip`),
					});
				}
				const change = roundTo(inv.payments.reduce((s, p) => s + p.Change, 0));
				const paid = roundTo(inv.payments.reduce((s, p) => s + p.Amount + tipOf(p), 0) - change);
				const method = (p: Tender) => refs.get(x.tender(inv.storeId, p.MethodNum)) ?? refs.get(x.cardMethod(p.MethodNum))!;
				const pricelist = refs.get(x.saleType(inv.saleType)) ?? false;
				// The change as this version takes it: positive up to 18, negative on 19 (dialect.ts).
				const amountReturn = dialect.changeSign * change;
				const amountTotal = roundTo(inv.finalTotal + tips);
				const common = {
					amount_total: amountTotal,
					amount_tax: tax,
					amount_paid: paid,
					amount_return: amountReturn,
					pricelist_id: pricelist,
					partner_id: false,
					fiscal_position_id: false,
					is_tipped: tips > 0,
					tip_amount: tips,
				};
				const payload: IDataObject =
					dialect.orderSync === 'sync_from_ui'
						? {
								...common,
								uuid: uuidOf(inv.ref),
								name: inv.ref,
								pos_reference: inv.ref,
								date_order: inv.closeUtc,
								state: 'paid',
								lines: lines.map((l) => [0, 0, l]),
								payment_ids: inv.payments.map((p) => [0, 0, { payment_method_id: method(p), amount: roundTo(p.Amount + tipOf(p)), payment_date: inv.closeUtc }]),
							}
						: {
								id: inv.ref,
								to_invoice: false,
								data: {
									...common,
									name: inv.ref,
									uid: `${inv.storeId}-${inv.transact}`,
									sequence_number: inv.transact,
									user_id: false,
									date_order: inv.closeUtc,
									creation_date: inv.closeUtc,
									lines: lines.map((l) => [0, 0, { ...l, pack_lot_ids: [] }]),
									statement_ids: inv.payments.map((p) => [0, 0, { name: inv.closeUtc, payment_method_id: method(p), amount: roundTo(p.Amount + tipOf(p)) }]),
								},
							};
				built.push({ inv, payload, amountTotal, rounding: drift, tip: tips });
			} catch (error) {
				fail(inv, error);
			}
		}

		// 7. By store and business date, oldest first: one session each, orders many per call.
		const groups = new Map<string, BuiltOrder[]>();
		for (const b of built.sort((a, c) => a.inv.storeId - c.inv.storeId || a.inv.businessDate.localeCompare(c.inv.businessDate) || a.inv.closeUtc.localeCompare(c.inv.closeUtc))) {
			const k = `${b.inv.storeId}|${b.inv.businessDate}`;
			groups.set(k, [...(groups.get(k) ?? []), b]);
		}
		// One lock per invoice, taken for all of them up front and released at the end: a concurrent
		// execution skips what this one holds.
		const held: number[] = [];
		const mine: BuiltOrder[] = [];
		await dropLeftLocks(client, module);
		for (const part of chunk(built, 1000)) {
			const got = await lockOrders(client, module, part, skip);
			held.push(...got.locks);
			mine.push(...got.orders);
		}
		const mineSet = new Set(mine);
		let down: unknown;
		try {
			const shops = new Map(built.map((b) => [b.inv.storeId, refs.get(x.store(b.inv.storeId))!]));
			const todo = [...groups.values()].map((g) => g.filter((b) => mineSet.has(b))).filter((g) => g.length);
			// The earliest business day per store with an invoice that failed but may pass, or that
			// another run (perhaps one that stopped midway) holds: its session must stay open for it.
			const blockedFrom = new Map<number, string>();
			for (const inv of invoices) {
				const o = out[inv.i]?.json;
				const held = o?.status === 'skipped' && o.reason === 'being imported by another execution';
				if (!held && (!o?.error || o.retryable !== true)) continue;
				const d = blockedFrom.get(inv.storeId);
				if (!d || inv.businessDate < d) blockedFrom.set(inv.storeId, inv.businessDate);
			}
			down = await importGroups.call(this, client, x, shops, dialect, batchSize, module, todo, out, fail, skip, blockedFrom);
		} finally {
			// With Odoo down the locks stay behind; they go stale (LOCK_STALE_MS) and a later run takes
			// them over. A failed release must not replace the error the items carry.
			if (!down) {
				try {
					for (const part of chunk(held, 1000)) await client.call('ir.model.data', 'unlink', { ids: part, idempotent: true });
				} catch {
					// (the same: stale later)
				}
			}
		}
	} catch (error) {
		for (const inv of invoices) if (!out[inv.i]) fail(inv, error);
	}
	return out;
}

/**
 * By store and business date, oldest first: one session each, orders many per call. Returns
 * Odoo's refusal to connect if it went down on the way: every invoice not done then fails with
 * it and waits for a later run.
 */
async function importGroups(
	this: IExecuteFunctions,
	client: OdooClient,
	x: PpXids,
	shops: Map<number, number>,
	dialect: OdooDialect,
	batchSize: number,
	module: string,
	groups: BuiltOrder[][],
	out: INodeExecutionData[],
	fail: (inv: Invoice, error: unknown, retryable?: boolean) => void,
	skip: (inv: Invoice, reason: string, extra?: IDataObject) => void,
	blockedFrom: Map<number, string>,
): Promise<unknown> {
	const known = await sessionXids(client, module);
	const stop = (error: unknown) => {
		for (const g of groups) for (const b of g) if (!out[b.inv.i]) fail(b.inv, error);
		return error;
	};
	// After a failure that may pass, a store's later days wait: opening their session would close
	// this one, and the invoice could then never be imported. Failures of the steps before count too.
	const waiting = new Map<number, string>(blockedFrom);
	for (const group of groups) {
		const { storeId, businessDate } = group[0].inv;
		const earlier = waiting.get(storeId);
		if (earlier && earlier < businessDate) {
			// Not a failure of these invoices: they wait, and the cursor does not pass them.
			for (const b of group) skip(b.inv, `waiting for ${earlier} to be imported first`);
			continue;
		}
		let sessionId: number;
		let closedBefore: CloseResult | undefined;
		try {
			const earliest = group.reduce((m, b) => (b.inv.openUtc < m ? b.inv.openUtc : m), group[0].inv.openUtc);
			const s = await ensureSession(client, x, { shopId: shops.get(storeId)!, storeId, businessDate, startAt: earliest, known });
			sessionId = s.sessionId;
			closedBefore = s.closedBefore;
		} catch (error) {
			// Odoo is down: the other groups cannot pass either.
			if (isUnreachable(error)) return stop(error);
			for (const b of group) fail(b.inv, error);
			if (!(error instanceof DataError)) waiting.set(storeId, businessDate);
			continue;
		}
		for (const batch of chunk(group, batchSize)) {
			const down = await importBatch(client, dialect, sessionId, batch, (b, orderId) => {
				out[b.inv.i] = ok(
					{ StoreId: storeId, TransactNum: b.inv.transact, BusinessDate: businessDate, status: 'imported', orderId, sessionId, amountTotal: b.amountTotal, rounding: b.rounding, tip: b.tip, posReference: b.inv.ref },
					b.inv.i,
				);
			}, (b, error) => fail(b.inv, error), skip);
			if (down) return stop(down);
		}
		if (group.some((b) => out[b.inv.i]?.json.retryable === true)) waiting.set(storeId, businessDate);
		// The session of an earlier date, closed to open this one, is reported on the group's first order.
		const first = closedBefore && group.map((b) => out[b.inv.i]).find((o) => o?.json.status === 'imported');
		if (first && closedBefore) first.json.closedSession = closedBefore;
	}
	return undefined;
}

/**
 * Removes the locks a stopped run left behind (older than LOCK_STALE_MS on Odoo's clock), those of
 * orders it did import too: nothing else would ever remove them.
 */
async function dropLeftLocks(client: OdooClient, module: string): Promise<void> {
	// Odoo's datetime format, in UTC.
	const cutoff = new Date(client.serverNow() - LOCK_STALE_MS).toISOString().slice(0, 19).replace('T', ' ');
	const left = await client.call<number[]>('ir.model.data', 'search', { args: [[['module', '=', module], ['name', '=like', 'import_lock_order_%'], ['create_date', '<', cutoff]]] });
	for (const part of chunk(left, 1000)) await client.call('ir.model.data', 'unlink', { ids: part, idempotent: true });
}

/**
 * Takes a lock per invoice: an external id on Odoo's unique (module, name) index, so of two
 * executions importing the same invoice at once exactly one proceeds. A lock older than 15
 * minutes is from a crashed run and is taken over.
 */
async function lockOrders(
	client: OdooClient,
	module: string,
	batch: BuiltOrder[],
	skip: (inv: Invoice, reason: string, extra?: IDataObject) => void,
): Promise<{ orders: BuiltOrder[]; locks: number[] }> {
	const lockName = (b: BuiltOrder) => `import_lock_order_${b.inv.storeId}_${b.inv.transact}`;
	let candidates = batch;
	for (let attempt = 0; attempt < 3 && candidates.length; attempt++) {
		const rows = candidates.map((b) => ({ module, name: lockName(b), model: 'pos.order', res_id: 0 }));
		try {
			return { orders: candidates, locks: await client.call<number[]>('ir.model.data', 'create', { args: [rows] }) };
		} catch (error) {
			if (error instanceof UnknownOutcomeError) {
				// The answer was lost: locks that exist now were made by this call (they all are, or none).
				const locks = await client.call<number[]>('ir.model.data', 'search', { args: [[['module', '=', module], ['name', 'in', rows.map((r) => r.name)]]] });
				if (locks.length) return { orders: candidates, locks };
				continue;
			}
			if (attempt === 2) throw passOn(client.node, error);
		}
		// Some are held by another execution: skip those, take over stale ones, lock the rest.
		const held = await client.call<Array<ExternalIdRow & { create_date: string }>>('ir.model.data', 'search_read', {
			args: [[['module', '=', module], ['name', 'in', candidates.map(lockName)]]],
			kwargs: { fields: ['name', 'create_date'] },
		});
		const stale = held.filter((h) => client.serverNow() - Date.parse(`${h.create_date.replace(' ', 'T')}Z`) > LOCK_STALE_MS);
		if (stale.length) await client.call('ir.model.data', 'unlink', { ids: stale.map((h) => h.id), idempotent: true });
		const busy = new Set(held.filter((h) => !stale.includes(h)).map((h) => h.name));
		for (const b of candidates) if (busy.has(lockName(b))) skip(b.inv, 'being imported by another execution');
		candidates = candidates.filter((b) => !busy.has(lockName(b)));
	}
	return { orders: [], locks: [] };
}

/**
 * One create_from_ui (sync_from_ui) call; on failure Odoo rolled back all of it, so halves are
 * retried to isolate the failing orders. Returns the error if Odoo could not be reached at all.
 */
async function importBatch(
	client: OdooClient,
	dialect: OdooDialect,
	sessionId: number,
	orders: BuiltOrder[],
	done: (b: BuiltOrder, orderId: number) => void,
	failed: (b: BuiltOrder, error: unknown) => void,
	skip: (inv: Invoice, reason: string, extra?: IDataObject) => void,
): Promise<unknown> {
	if (!orders.length) return undefined;
	try {
		let created: Array<{ id: number; pos_reference: string }>;
		if (dialect.orderSync === 'sync_from_ui') {
			const res = await client.call<{ 'pos.order': Array<{ id: number; pos_reference: string }> }>('pos.order', 'sync_from_ui', {
				args: [orders.map((b) => ({ ...b.payload, session_id: sessionId }))],
				idempotent: true,
			});
			created = res['pos.order'] ?? [];
		} else {
			created = await client.call<Array<{ id: number; pos_reference: string }>>('pos.order', 'create_from_ui', {
				args: [orders.map((b) => ({ ...b.payload, data: { ...(b.payload.data as IDataObject), pos_session_id: sessionId } }))],
				kwargs: { draft: false },
				// Odoo recognises an order it already has (same receipt, same payments) and creates nothing.
				idempotent: true,
			});
		}
		const byRef = new Map(created.map((c) => [c.pos_reference, c.id]));
		const unseen = orders.filter((b) => !byRef.has(b.inv.ref));
		if (unseen.length) {
			const found = await client.call<Array<{ id: number; pos_reference: string }>>('pos.order', 'search_read', {
				args: [[['pos_reference', 'in', unseen.map((b) => b.inv.ref)]]],
				kwargs: { fields: ['pos_reference'] },
			});
			for (const f of found) byRef.set(f.pos_reference, f.id);
		}
		for (const b of orders) {
			const id = byRef.get(b.inv.ref);
			if (id) done(b, id);
			else skip(b.inv, 'Odoo created no order for it');
		}
	} catch (error) {
		// Halving isolates an order Odoo refuses; when Odoo is down it would only multiply the waits.
		if (isUnreachable(error)) return error;
		if (orders.length === 1) {
			failed(orders[0], error);
			return undefined;
		}
		const half = Math.ceil(orders.length / 2);
		return (
			(await importBatch(client, dialect, sessionId, orders.slice(0, half), done, failed, skip)) ??
			(await importBatch(client, dialect, sessionId, orders.slice(half), done, failed, skip))
		);
	}
	return undefined;
}
