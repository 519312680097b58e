/**
 * The order import's last steps: per-invoice locks, then by store and business day one session
 * each (opened, or an earlier day's closed first), the orders many per call, a failing one
 * isolated by halving.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { UnknownOutcomeError, isUnreachable } from '../../shared/http';
import type { OdooClient, OdooDialect } from '../transport';
import type { ExternalIdRow } from './interfaces';
import { ok, passOn } from './items';
import type { Invoice } from './pixelpointInvoice';
import type { PpXids } from './pixelpoint';
import { type BuiltOrder, inSession } from './posOrderBuild';
import { type CloseResult, ensureSession, sessionXids } from './posSessions';
import { DataError, chunk } from './utils';

export type Fail = (inv: Invoice, error: unknown, retryable?: boolean) => void;
export type Skip = (inv: Invoice, reason: string, extra?: IDataObject) => void;

const LOCK_STALE_MS = 15 * 60 * 1000;

/**
 * By store and business date, oldest first: one session each, orders many per call. Returns
 * Odoo's refusal to connect if it went down on the way: every invoice not done then fails with
 * it and waits for a later run.
 */
export async function importGroups(
	client: OdooClient,
	x: PpXids,
	shops: Map<number, number>,
	dialect: OdooDialect,
	batchSize: number,
	module: string,
	groups: BuiltOrder[][],
	out: INodeExecutionData[],
	fail: Fail,
	skip: Skip,
	blockedFrom: Map<number, string>,
	parallel = 1,
): Promise<unknown> {
	const known = await sessionXids(client, module);
	const stop = (error: unknown) => {
		for (const g of groups) for (const b of g) if (!out[b.inv.i]) fail(b.inv, error);
		return error;
	};
	// After a failure that may pass, a store's later days wait: opening their session would close
	// this one, and the invoice could then never be imported. Failures of the steps before count too.
	const waiting = new Map<number, string>(blockedFrom);
	let down: unknown;
	// Closes post entries in the company's POS journal, numbered in Odoo's transaction: two at once
	// take the same number and one fails (seen on real Odoo with several workers), so the lanes close
	// one at a time while their orders still go side by side.
	let lastClose: Promise<unknown> = Promise.resolve();
	const closing = <T>(close: () => Promise<T>): Promise<T> => {
		const run = lastClose.then(close, close);
		lastClose = run.catch(() => undefined);
		return run;
	};
	/** One session's orders; stores are independent of each other, a store's days go in order. */
	const importGroup = async (group: BuiltOrder[]): Promise<void> => {
		const { storeId, businessDate } = group[0].inv;
		const earlier = waiting.get(storeId);
		if (earlier && earlier < businessDate) {
			// Not a failure of these invoices: they wait, and the cursor does not pass them.
			for (const b of group) skip(b.inv, `waiting for ${earlier} to be imported first`);
			return;
		}
		let sessionId: number;
		let closedBefore: CloseResult | undefined;
		try {
			const earliest = group.reduce((m, b) => (b.inv.openUtc < m ? b.inv.openUtc : m), group[0].inv.openUtc);
			const s = await ensureSession(client, x, { shopId: shops.get(storeId)!, storeId, businessDate, startAt: earliest, known, closing });
			sessionId = s.sessionId;
			closedBefore = s.closedBefore;
		} catch (error) {
			// Odoo is down: the other groups cannot pass either.
			if (isUnreachable(error)) {
				down ??= error;
				return;
			}
			for (const b of group) fail(b.inv, error);
			if (!(error instanceof DataError)) waiting.set(storeId, businessDate);
			return;
		}
		for (const batch of chunk(group, batchSize)) {
			if (down) return;
			const gone = await importBatch(client, dialect, sessionId, batch, (b, orderId) => {
				out[b.inv.i] = ok(
					{ StoreId: storeId, TransactNum: b.inv.transact, BusinessDate: businessDate, status: 'imported', orderId, sessionId, amountTotal: b.amountTotal, rounding: b.rounding, tip: b.tip, posReference: b.inv.ref },
					b.inv.i,
				);
			}, (b, error) => fail(b.inv, error), skip);
			if (gone) {
				down ??= gone;
				return;
			}
		}
		if (group.some((b) => out[b.inv.i]?.json.retryable === true)) waiting.set(storeId, businessDate);
		// The session of an earlier date, closed to open this one, is reported on the group's first order.
		const first = closedBefore && group.map((b) => out[b.inv.i]).find((o) => o?.json.status === 'imported');
		if (first && closedBefore) first.json.closedSession = closedBefore;
	};
	// Each store's days in order, up to `parallel` stores at once (an Odoo with several workers takes them side by side).
	const stores = new Map<number, BuiltOrder[][]>();
	for (const g of groups) stores.set(g[0].inv.storeId, [...(stores.get(g[0].inv.storeId) ?? []), g]);
	const queue = [...stores.values()];
	const lane = async (): Promise<void> => {
		for (let next = queue.shift(); next && !down; next = queue.shift()) for (const group of next) if (!down) await importGroup(group);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, queue.length)) }, lane));
	return down ? stop(down) : undefined;
}

/**
 * Removes the locks a stopped run left behind (older than LOCK_STALE_MS on Odoo's clock), those of
 * orders it did import too: nothing else would ever remove them.
 */
export async function dropLeftLocks(client: OdooClient, module: string): Promise<void> {
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
export async function lockOrders(
	client: OdooClient,
	module: string,
	batch: BuiltOrder[],
	skip: Skip,
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
		const stale = held.filter((h) => client.ageMs(h.create_date) > LOCK_STALE_MS);
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
	skip: Skip,
): Promise<unknown> {
	if (!orders.length) return undefined;
	try {
		let created: Array<{ id: number; pos_reference: string }>;
		if (dialect.orderSync === 'sync_from_ui') {
			const res = await client.call<{ 'pos.order': Array<{ id: number; pos_reference: string }> }>('pos.order', 'sync_from_ui', {
				args: [orders.map((b) => inSession(b, dialect, sessionId))],
				idempotent: true,
			});
			created = res['pos.order'] ?? [];
		} else {
			created = await client.call<Array<{ id: number; pos_reference: string }>>('pos.order', 'create_from_ui', {
				args: [orders.map((b) => inSession(b, dialect, sessionId))],
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
