/**
 * What a cursor-driven flow has not finished: its cursors and the items waiting to be done
 * again, kept in Odoo (system parameters), so every queue worker and every manual run sees the
 * same state. One parameter per cursor and per waiting item: two executions never overwrite each
 * other's list, and an unchanged failure is not written again (a re-run writes nothing).
 * System parameters belong to no company, so each key names the company the flow works in
 * (`n8n.sync.<flow>.c<company id>.`): two companies' stores with the same numbers keep apart.
 * Parameters kept before companies were told apart (no company in the key) are read as the
 * company's own and moved under its key the first time its state is saved.
 */
import type { IDataObject } from 'n8n-workflow';
import { UnknownOutcomeError } from '../../shared/http';
import type { OdooClient } from '../transport';
import { passOn } from './items';
import { InputError, chunk } from './utils';

export interface WaitingItem extends IDataObject {
	key: string;
	/** What the item belongs to (a store, a Procountor invoice...), for the flow to group by. */
	scope: string;
	reason: string;
	/** false: the data itself is wrong; true: it may pass once something else is fixed or back. */
	retryable: boolean;
	/** When it first failed (ISO). */
	since: string;
	/** What the flow needs to fetch it again. */
	details: IDataObject;
	/** Set when a person decided not to import it: no longer retried. */
	skipped?: { at: string; note: string };
}

export interface SyncState {
	flow: string;
	cursors: Record<string, string>;
	waiting: WaitingItem[];
	skipped: WaitingItem[];
}

export interface SyncResult {
	key: string;
	scope?: string;
	/** The failure, or empty when the item is done. */
	error?: string;
	retryable?: boolean;
	details?: IDataObject;
	/** Done (imported, already there): the item leaves the waiting list. Neither done nor error: left as it is. */
	done?: boolean;
}

interface Row {
	id: number;
	key: string;
	value: string;
}

const FLOW = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkFlow(flow: string, field = 'flow'): string {
	const f = flow.trim();
	if (!FLOW.test(f)) throw new InputError(`Flow "${flow}" is not a flow name: lower-case letters, digits and hyphens (e.g. pixelpoint-order-import)`, field);
	return f;
}

const prefix = (flow: string) => `n8n.sync.${flow}.`;
const companyPrefix = (flow: string, companyId: number) => `${prefix(flow)}c${companyId}.`;
/** A parameter's key without its flow and company: `cursor.<scope>` or `waiting.<key>`. */
const cursorName = (scope: string) => `cursor.${scope}`;
const waitingName = (key: string) => `waiting.${key}`;

/** The company's parameters by name, and those kept without a company that one of its own shadows. */
type Rows = Map<string, Row> & { shadowed?: Row[] };

/**
 * The flow's parameters of the credential's company, by name (`cursor.…`, `waiting.…`), in one
 * call (LIKE's "_" is a wildcard, so prefixes are checked again). A name kept both without a
 * company (before companies were told apart) and with one: the company's counts.
 */
async function readRows(client: OdooClient, flow: string): Promise<Rows> {
	const p = prefix(flow);
	const mine = companyPrefix(flow, (await client.company()).id);
	const rows = await client.call<Row[]>('ir.config_parameter', 'search_read', {
		args: [[['key', '=like', `${p}%`]]],
		kwargs: { fields: ['key', 'value'], order: 'id' },
	});
	const out: Rows = new Map<string, Row>();
	const legacy = new Map<string, Row>();
	for (const r of rows) {
		if (r.key.startsWith(mine)) out.set(r.key.slice(mine.length), r);
		else if (r.key.startsWith(`${p}cursor.`) || r.key.startsWith(`${p}waiting.`)) legacy.set(r.key.slice(p.length), r);
	}
	// A name kept both ways (an older worker wrote it again): the company's is the newer.
	out.shadowed = [];
	for (const [name, r] of legacy) {
		if (out.has(name)) out.shadowed.push(r);
		else out.set(name, r);
	}
	return out;
}

function parseWaiting(row: Row): WaitingItem | undefined {
	try {
		const v = JSON.parse(row.value) as WaitingItem;
		return typeof v === 'object' && v && typeof v.key === 'string' ? v : undefined;
	} catch {
		return undefined; // edited by hand into something else: not ours to interpret
	}
}

export async function readState(client: OdooClient, flow: string): Promise<SyncState & { rows: Rows }> {
	const rows = await readRows(client, flow);
	const state: SyncState & { rows: Rows } = { flow, cursors: {}, waiting: [], skipped: [], rows };
	for (const [name, r] of rows) {
		if (name.startsWith('cursor.')) state.cursors[name.slice('cursor.'.length)] = r.value;
		else {
			const w = parseWaiting(r);
			if (w) (w.skipped ? state.skipped : state.waiting).push(w);
		}
	}
	const bySince = (a: WaitingItem, b: WaitingItem) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.key.localeCompare(b.key));
	state.waiting.sort(bySince);
	state.skipped.sort(bySince);
	return state;
}

/** Later of two cursor values: times compared as times, anything else as text. */
function later(a: string, b: string): string {
	const ta = Date.parse(a);
	const tb = Date.parse(b);
	if (!Number.isNaN(ta) && !Number.isNaN(tb)) return tb > ta ? b : a;
	return b > a ? b : a;
}

/** Creates the parameters in one call; if another execution made some of them first, the rest one by one. */
async function createRows(client: OdooClient, rows: Array<{ key: string; value: string }>): Promise<void> {
	for (const part of chunk(rows, 500)) {
		try {
			await client.call('ir.config_parameter', 'create', { args: [part] });
			continue;
		} catch (error) {
			if (!(error instanceof UnknownOutcomeError) && !/unique|already exists|duplicate/i.test((error as Error).message ?? '')) throw passOn(client.node, error);
		}
		const have = new Map(
			(
				await client.call<Row[]>('ir.config_parameter', 'search_read', {
					args: [[['key', 'in', part.map((r) => r.key)]]],
					kwargs: { fields: ['key', 'value'] },
				})
			).map((r) => [r.key, r])
		);
		for (const r of part) {
			const h = have.get(r.key);
			if (!h) await client.call('ir.config_parameter', 'create', { args: [r] });
			else if (h.value !== r.value)
				await client.call('ir.config_parameter', 'write', {
					ids: [h.id],
					args: [{ value: r.value }],
				});
		}
	}
}

export interface SaveSummary extends IDataObject {
	added: number;
	changed: number;
	cleared: number;
	cursorsMoved: string[];
}

/**
 * Records a run's results: failures join (or stay on) the waiting list with their reason, done
 * items leave it; cursors only move forward. Nothing is written when nothing changed.
 */
export async function saveResults(client: OdooClient, flow: string, results: SyncResult[], cursors: Record<string, string>, nowIso: string): Promise<SaveSummary> {
	const { rows } = await readState(client, flow);
	const mine = companyPrefix(flow, (await client.company()).id);
	const creates: Array<{ key: string; value: string }> = [];
	const writes: Array<{ id: number; value: string; key?: string }> = [];
	const unlinks: number[] = [];
	let added = 0;
	let changed = 0;
	const last = new Map<string, SyncResult>();
	// The same item twice in a run: its last result counts. Its place in this run's input ("Item 4: ") means nothing next run.
	for (const r of results) last.set(r.key, { ...r, error: r.error?.replace(/^Item \d+: /, '') });
	for (const r of last.values()) {
		const k = waitingName(r.key);
		const row = rows.get(k);
		const before = row ? parseWaiting(row) : undefined;
		if (r.error) {
			const next: WaitingItem = {
				key: r.key,
				scope: r.scope ?? before?.scope ?? '',
				reason: r.error,
				retryable: r.retryable !== false,
				since: before?.since ?? nowIso,
				details: r.details ?? before?.details ?? {},
				...(before?.skipped ? { skipped: before.skipped } : {}),
			};
			const value = JSON.stringify(next);
			if (!row) {
				creates.push({ key: mine + k, value });
				added++;
			} else if (
				!before ||
				before.reason !== next.reason ||
				before.retryable !== next.retryable ||
				JSON.stringify(before.details) !== JSON.stringify(next.details) ||
				before.scope !== next.scope
			) {
				writes.push({ id: row.id, value });
				changed++;
			}
		} else if (r.done && row) unlinks.push(row.id);
	}
	const moved: string[] = [];
	for (const [scope, value] of Object.entries(cursors)) {
		if (!value) continue;
		const k = cursorName(scope);
		const row = rows.get(k);
		if (!row) creates.push({ key: mine + k, value });
		else if (later(row.value, value) !== row.value) writes.push({ id: row.id, value });
		else continue;
		moved.push(scope);
	}
	// Parameters kept without a company become the company's (once): another company no longer sees them.
	const cleared = unlinks.length;
	unlinks.push(...(rows.shadowed ?? []).map((r) => r.id));
	const unlinked = new Set(unlinks);
	for (const [name, row] of rows) {
		if (row.key.startsWith(mine) || unlinked.has(row.id)) continue;
		const w = writes.find((x) => x.id === row.id);
		if (w) w.key = mine + name;
		else writes.push({ id: row.id, value: row.value, key: mine + name });
	}
	if (creates.length) await createRows(client, creates);
	for (const w of writes)
		await client.call('ir.config_parameter', 'write', {
			ids: [w.id],
			args: [w.key ? { key: w.key, value: w.value } : { value: w.value }],
		});
	for (const part of chunk(unlinks, 1000))
		await client.call('ir.config_parameter', 'unlink', {
			ids: part,
			idempotent: true,
		});
	return { added, changed, cleared, cursorsMoved: moved };
}

/** A person's decision on one waiting item: skip it (no longer retried) or retry it (skipped no more). */
export async function decide(client: OdooClient, flow: string, key: string, action: 'skip' | 'retry', note: string, nowIso: string): Promise<WaitingItem> {
	const row = (await readRows(client, flow)).get(waitingName(key));
	const item = row && parseWaiting(row);
	if (!item) throw new InputError(`Nothing named "${key}" is waiting in the flow ${flow}: list the waiting items with Get to see their keys`, 'itemKey');
	const next: WaitingItem = { ...item };
	if (action === 'skip') {
		if (item.skipped) return item;
		next.skipped = { at: nowIso, note };
	} else {
		if (!item.skipped) return item;
		delete next.skipped;
	}
	await client.call('ir.config_parameter', 'write', {
		ids: [row.id],
		args: [{ value: JSON.stringify(next) }],
	});
	return next;
}

/** The audit's view of a waiting list: how many, and the oldest. */
export function waitingSummary(state: Pick<SyncState, 'waiting' | 'skipped'>): IDataObject {
	const oldest = state.waiting[0];
	return {
		waitingCount: state.waiting.length,
		skippedCount: state.skipped.length,
		oldestWaiting: oldest ? { key: oldest.key, since: oldest.since, reason: oldest.reason } : null,
	};
}
