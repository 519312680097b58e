import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { type Invoice, discountPercent, invoiceLabel, parseInvoice } from '../../helpers/pixelpointInvoice';
import { type PpXids, ownProducts } from '../../helpers/pixelpoint';
import { namespaceOf, namespaceProperty } from '../../helpers/posMasterData';
import { type BuiltOrder, buildOrder } from '../../helpers/posOrderBuild';
import { type Fail, type Skip, dropLeftLocks, importGroups, lockOrders } from '../../helpers/posOrderSend';
import { posCategoryColumn, productCells, productTaxProperties, taxChooser } from '../../helpers/posProducts';
import { type LineInput, TaxBook } from '../../helpers/taxBook';
import { resolveXids, upsertRows } from '../../helpers/upsert';
import { DataError, InputError, chunk } from '../../helpers/utils';
import type { OdooClient, OdooDialect } from '../../transport';

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
				displayName: 'Parallel Requests',
				name: 'parallelRequests',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 8 },
				default: 1,
				description:
					"How many stores' sessions are sent to Odoo at once (each store's days stay in order). Worth raising to the number of Odoo's workers (--workers) for a history import; 1 sends one request at a time.",
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

/** One execution of the import: its parameters, the items' results so far, and how an invoice fails or is skipped. */
interface Run {
	ctx: IExecuteFunctions;
	client: OdooClient;
	x: PpXids;
	/** The namespace's module, where the orders' locks live. */
	module: string;
	dialect: OdooDialect;
	tolerance: number;
	batchSize: number;
	/** Stores sent at once. */
	parallel: number;
	importTips: boolean;
	createProducts: boolean;
	out: INodeExecutionData[];
	fail: Fail;
	skip: Skip;
}

/**
 * PixelPoint invoices → Odoo POS orders in sessions per (store, business date). Taxes as Odoo
 * computes them; the drift to FinalTotal within the tolerance on a rounding product; voids
 * skipped; refunds negative; missing products created from the attached details. An invoice
 * already imported is skipped, also when two executions run at once (per-invoice locks on
 * Odoo's unique external-id index). Orders go many per call; a failing one is isolated.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const x = namespaceOf(this);
	const out: INodeExecutionData[] = [];
	// Errors keep the invoice's identity, and say whether trying again later can help (Odoo
	// unreachable, a shop, product, tender or tax to set up, an earlier day not yet imported) or
	// a person must decide (the invoice is wrong in itself, or too late for its closed session).
	const identity = (inv: Invoice): IDataObject => ({ StoreId: inv.storeId, TransactNum: inv.transact, BusinessDate: inv.businessDate, CloseTime: `${inv.closeUtc.replace(' ', 'T')}Z` });
	const run: Run = {
		ctx: this,
		client,
		x,
		module: x.store(0).split('.')[0],
		dialect: await client.dialect(),
		tolerance: Number(this.getNodeParameter('tolerance', 0, 0.05)),
		batchSize: Number(options.batchSize ?? 100) || 100,
		parallel: Math.min(8, Math.max(1, Math.floor(Number(options.parallelRequests ?? 1)) || 1)),
		importTips: options.importTips !== false,
		createProducts: options.createProducts !== false,
		out,
		fail: (inv, error, retryable = !(error instanceof DataError)) => {
			const item = failItem(this, error, inv.i);
			Object.assign(item.json, { ...identity(inv), retryable });
			out[inv.i] = item;
		},
		skip: (inv, reason, extra = {}) => {
			out[inv.i] = ok({ ...identity(inv), status: 'skipped', reason, ...extra }, inv.i);
		},
	};

	const invoices = readInvoices(run);
	if (!invoices.length) return out;
	// A failure of the whole step (Odoo unreachable, a tax that does not exist) is every pending
	// invoice's failure, with its identity, so each one waits to be imported again.
	try {
		const pending = await notImported(run, invoices);
		if (!pending.length) return out;
		const refs = await references(run, pending);
		const own = await ensureProducts(run, pending, refs);
		const { ready, productTaxes, taxes } = await checkInvoices(run, pending, refs, own.refused);
		// 6. The orders with their lines, rounding, tips and payments (helpers/posOrderBuild.ts).
		const built: BuiltOrder[] = [];
		for (const inv of ready) {
			try {
				built.push(buildOrder(inv, { x, refs, productTaxes, taxes, dialect: run.dialect, tolerance: run.tolerance, importTips: run.importTips, roundingProductId: own.roundingId, tipProductId: own.tipId }));
			} catch (error) {
				run.fail(inv, error);
			}
		}
		await sendOrders(run, built, invoices, refs);
	} catch (error) {
		for (const inv of invoices) if (!out[inv.i]) run.fail(inv, error);
	}
	return out;
}

/** 1. Reads and checks every invoice: voids and duplicates of this run are skipped, a wrong one fails with what identifies it. */
function readInvoices(run: Run): Invoice[] {
	const items = run.ctx.getInputData();
	const out = run.out;
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
			const item = failItem(run.ctx, error, i);
			const { StoreId, TransactNum, BusinessDate, CloseTime, error: before } = items[i].json;
			Object.assign(item.json, { StoreId, TransactNum, BusinessDate, CloseTime, retryable: TransactNum === undefined && typeof before === 'string' });
			out[i] = item;
		}
	}
	return invoices;
}

/** 2. The invoices not imported yet (one search per 1,000 receipts); the others are skipped with their order. */
async function notImported(run: Run, invoices: Invoice[]): Promise<Invoice[]> {
	const { client, skip } = run;
	const pending: Invoice[] = [];
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
	return pending;
}

/** 3. Everything the orders refer to (shops, sale types, products, tenders), in one external-id lookup. */
async function references(run: Run, pending: Invoice[]): Promise<Map<string, number>> {
	const { client, x } = run;
	return await resolveXids(client, [
		...new Set(
			pending.flatMap((inv) => [
				x.store(inv.storeId),
				x.saleType(inv.saleType),
				...inv.lines.map((l) => x.product(l.ProdNum)),
				...inv.payments.flatMap((p) => [x.tender(inv.storeId, p.MethodNum), x.cardMethod(p.MethodNum)]),
			]),
		),
	]);
}

/**
 * 4. Products the catalogue pull missed, created from the details the invoices carry (those Odoo
 * refused are returned), and the rounding product, with the tip product when some invoice has a tip.
 */
async function ensureProducts(run: Run, pending: Invoice[], refs: Map<string, number>): Promise<{ refused: Map<number, string>; roundingId: number; tipId?: number }> {
	const { client, x } = run;
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
	if (missing.size && run.createProducts) {
		const taxFor = await taxChooser(run.ctx, client, 'options.');
		const column = await posCategoryColumn(client);
		const rows = [...missing.values()].map((p) => productCells(p, x, column, taxFor, company.id));
		const res = await upsertRows(client, 'product.product', rows.map((r) => ({ xid: x.product(r.num), cells: r.cells })), { skipUnchanged: true });
		res.forEach((o, k) => (o.id ? refs.set(x.product(rows[k].num), o.id) : refused.set(rows[k].num, String(o.error))));
	}
	const own = ownProducts(x, company.id);
	const tipped = run.importTips && pending.some((inv) => inv.payments.some((p) => p.Tip));
	const [rounding, tipProduct] = await upsertRows(client, 'product.product', tipped ? [own.rounding, own.tip] : [own.rounding], { skipUnchanged: true });
	if (!rounding.id) throw new InputError(`Odoo refused the rounding product: ${rounding.error}`);
	if (tipped && !tipProduct?.id) throw new InputError(`Odoo refused the tip product: ${tipProduct?.error}`);
	return { refused, roundingId: rounding.id, tipId: tipped ? tipProduct.id : undefined };
}

/**
 * 5. Each invoice checked against Odoo (its shop, products and tenders there, discounts within the
 * line), the products' taxes read, and the tax book prepared with every line: Odoo's own taxes.
 */
async function checkInvoices(
	run: Run,
	pending: Invoice[],
	refs: Map<string, number>,
	refused: Map<number, string>,
): Promise<{ ready: Invoice[]; productTaxes: Map<number, number[]>; taxes: TaxBook }> {
	const { client, x, module } = run;
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
			const where = invoiceLabel(inv);
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
			run.fail(inv, error);
		}
	}
	const taxes = new TaxBook(client);
	await taxes.prepare(lineInputs);
	return { ready, productTaxes, taxes };
}

/**
 * 7. Locks every order (a concurrent execution skips what this one holds), then imports them by
 * store and business date, oldest first, and releases the locks.
 */
async function sendOrders(run: Run, built: BuiltOrder[], invoices: Invoice[], refs: Map<string, number>): Promise<void> {
	const { client, x, module } = run;
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
		const got = await lockOrders(client, module, part, run.skip);
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
			const o = run.out[inv.i]?.json;
			const held = o?.status === 'skipped' && o.reason === 'being imported by another execution';
			if (!held && (!o?.error || o.retryable !== true)) continue;
			const d = blockedFrom.get(inv.storeId);
			if (!d || inv.businessDate < d) blockedFrom.set(inv.storeId, inv.businessDate);
		}
		down = await importGroups(client, x, shops, run.dialect, run.batchSize, module, todo, run.out, run.fail, run.skip, blockedFrom, run.parallel);
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
}
