/**
 * POS sessions per (store, business date). Odoo allows one open session per shop, so a new
 * business date closes the shop's session of an earlier date first. A session is created
 * through `load` with its external id, so the record and its key appear together or not at
 * all, and a second execution finds it instead of opening another.
 */
import type { IDataObject } from 'n8n-workflow';
import type { OdooClient } from '../transport';
import type { ExternalIdRow, LoadResult } from './interfaces';
import type { PpXids } from './pixelpoint';
import { passOn } from './items';
import { DataError, InputError } from './utils';

export interface SessionRow {
	id: number;
	name: string;
	state: 'opening_control' | 'opened' | 'closing_control' | 'closed';
	config_id: [number, string] | false;
	cash_control: boolean;
	cash_register_balance_start: number;
	move_id: [number, string] | false;
	start_at: string;
}

export interface CloseResult extends IDataObject {
	sessionId: number;
	sessionName: string;
	status: 'closed' | 'skipped' | 'failed';
	message?: string;
	businessDate?: string;
	moveId?: number;
	moveDate?: string;
	/** The session's entries (its own, cash lines, combined bank payments), and how many had to be dated anew. */
	entries?: number;
	redatedEntries?: number;
	/** Entries left on their date because an accountant matched them with something outside the session. */
	notRedated?: string[];
}

const SESSION_FIELDS = ['name', 'state', 'config_id', 'cash_control', 'cash_register_balance_start', 'move_id', 'start_at'];

/** Business date encoded in a session external id (session_<store>_<yyyymmdd>). */
export function dateOfSessionXid(name: string): string | undefined {
	const m = /_(\d{4})(\d{2})(\d{2})$/.exec(name);
	return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export async function readSessions(client: OdooClient, ids: number[]): Promise<SessionRow[]> {
	if (!ids.length) return [];
	return await client.call<SessionRow[]>('pos.session', 'read', { ids, kwargs: { fields: SESSION_FIELDS } });
}

/** Our session external ids (namespace module) with their sessions: name → session id. */
export async function sessionXids(client: OdooClient, module: string, storeId?: number): Promise<Map<string, number>> {
	const rows = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
		args: [[['module', '=', module], ['model', '=', 'pos.session'], ['name', '=like', storeId ? `session_${storeId}_%` : 'session_%']]],
		kwargs: { fields: ['name', 'res_id'] },
	});
	return new Map(rows.map((r) => [r.name, r.res_id]));
}

/**
 * A time zone in which Odoo's "today" (its `context_today`, which reads the `tz` of the context)
 * is the business date right now, with the local time closest to noon; undefined when the business
 * date is too far from now for any zone (UTC−12 to UTC+14). Odoo then dates the session's entry,
 * its cash lines and its combined bank payments on the business day itself, in sequence.
 */
export function zoneForDate(businessDate: string, nowMs = Date.now()): string | undefined {
	let best: { zone: string; distance: number } | undefined;
	for (let offset = -12; offset <= 14; offset++) {
		const local = new Date(nowMs + offset * 3_600_000);
		if (local.toISOString().slice(0, 10) !== businessDate) continue;
		const distance = Math.abs(local.getUTCHours() + local.getUTCMinutes() / 60 - 12);
		// IANA's Etc zones count the other way round: Etc/GMT+12 is UTC−12.
		const zone = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
		if (!best || distance < best.distance) best = { zone, distance };
	}
	return best?.zone;
}

interface MoveRow {
	id: number;
	name: string;
	date: string;
	state: string;
}

interface SessionPaymentRow {
	id: number;
	date: string;
	move_id: [number, string] | false;
}

/**
 * The session's journal entries: its own, its cash lines' and its combined bank payments' (not
 * invoice payments taken at the counter), and those payments themselves.
 */
async function sessionMoves(client: OdooClient, sessionId: number, moveId: number | undefined): Promise<{ moves: MoveRow[]; payments: SessionPaymentRow[] }> {
	const [session] = await client.call<Array<{ statement_line_ids?: number[] }>>('pos.session', 'read', { ids: [sessionId], kwargs: { fields: ['statement_line_ids'] } });
	const lines = session?.statement_line_ids?.length
		? await client.call<Array<{ move_id: [number, string] | false }>>('account.bank.statement.line', 'read', { ids: session.statement_line_ids, kwargs: { fields: ['move_id'] } })
		: [];
	// Stored fields only: Odoo ignores a domain on a non-stored field (and matches everything).
	const payments = await client.call<SessionPaymentRow[]>('account.payment', 'search_read', {
		args: [[['pos_session_id', '=', sessionId], ['pos_payment_method_id', '!=', false]]],
		kwargs: { fields: ['date', 'move_id'] },
	});
	const ids = [moveId, ...lines.map((l) => (l.move_id ? l.move_id[0] : undefined)), ...payments.map((p) => (p.move_id ? p.move_id[0] : undefined))].filter((x): x is number => !!x);
	if (!ids.length) return { moves: [], payments };
	return { moves: await client.call<MoveRow[]>('account.move', 'read', { ids: [...new Set(ids)], kwargs: { fields: ['name', 'date', 'state'] } }), payments };
}

/**
 * Entries among `ids` with a line matched to a line of an entry outside `own`: a bank statement
 * line an accountant reconciled with a combined payment, say. Drafting such an entry would undo
 * that matching, which only the accountant may do.
 */
async function matchedElsewhere(client: OdooClient, ids: number[], own: Set<number>): Promise<number[]> {
	const parts = await client.call<Array<{ debit_move_id: [number, string]; credit_move_id: [number, string] }>>('account.partial.reconcile', 'search_read', {
		args: [['|', ['debit_move_id.move_id', 'in', ids], ['credit_move_id.move_id', 'in', ids]]],
		kwargs: { fields: ['debit_move_id', 'credit_move_id'] },
	});
	if (!parts.length) return [];
	const lineIds = [...new Set(parts.flatMap((p) => [p.debit_move_id[0], p.credit_move_id[0]]))];
	const lines = await client.call<Array<{ id: number; move_id: [number, string] }>>('account.move.line', 'read', { ids: lineIds, kwargs: { fields: ['move_id'] } });
	const moveOf = new Map(lines.map((l) => [l.id, l.move_id[0]]));
	const out = new Set<number>();
	for (const p of parts) {
		const [d, c] = [moveOf.get(p.debit_move_id[0]), moveOf.get(p.credit_move_id[0])];
		if (d !== undefined && c !== undefined && (!own.has(d) || !own.has(c))) for (const m of [d, c]) if (ids.includes(m)) out.add(m);
	}
	return [...out];
}

/**
 * Dates the session's entries on the business date where Odoo did not (a session closed days
 * later: a first run, a historic import). Each such entry is set to draft, given the business
 * date and a new number in that period's sequence (name "/", as Odoo numbers a new entry), and
 * posted; then the reconciliation Odoo made at the close is made again, account by account, so
 * the POS receivable is left settled. On 18+ a combined payment's own date is set too (Odoo
 * writes it back onto the entry at the payment's next edit). Every step checks where it stands:
 * a run that stopped half-way is finished by the next. An entry an accountant has matched with
 * something outside the session is left as it is, and said.
 */
async function dateOnBusinessDay(client: OdooClient, sessionId: number, moveId: number | undefined, businessDate: string): Promise<{ redated: number; moves: number; leftAlone: string[] }> {
	const { moves, payments } = await sessionMoves(client, sessionId, moveId);
	const ownDate = (await client.dialect()).paymentOwnDate;
	const offPayments = ownDate ? payments.filter((p) => p.move_id && p.date !== businessDate) : [];
	const offMoves = new Set(offPayments.map((p) => (p.move_id as [number, string])[0]));
	let todo = moves.filter((m) => m.date !== businessDate || m.state !== 'posted' || offMoves.has(m.id));
	if (!todo.length) return { redated: 0, moves: moves.length, leftAlone: [] };
	const foreign = new Set(await matchedElsewhere(client, todo.filter((m) => m.state === 'posted').map((m) => m.id), new Set(moves.map((m) => m.id))));
	const leftAlone = todo.filter((m) => foreign.has(m.id)).map((m) => m.name);
	todo = todo.filter((m) => !foreign.has(m.id));
	if (!todo.length) return { redated: 0, moves: moves.length, leftAlone };
	const posted = todo.filter((m) => m.state === 'posted').map((m) => m.id);
	if (posted.length) await client.call('account.move', 'button_draft', { ids: posted, idempotent: true });
	const live = todo.filter((m) => m.state !== 'cancel');
	const drafts = live.map((m) => m.id);
	// The payment first: on 18+ writing its date rewrites its entry (date and old number), which the move writes below then renumber.
	const draftSet = new Set(drafts);
	const payIds = offPayments.filter((p) => draftSet.has((p.move_id as [number, string])[0])).map((p) => p.id);
	if (payIds.length) await client.call('account.payment', 'write', { ids: payIds, args: [{ date: businessDate }], idempotent: true });
	// A new number in the business date's period: the old one belonged to the day of the close.
	const stale = live.filter((m) => !numberedIn(m, businessDate)).map((m) => m.id);
	const same = live.filter((m) => numberedIn(m, businessDate)).map((m) => m.id);
	if (stale.length) await client.call('account.move', 'write', { ids: stale, args: [{ date: businessDate, name: '/' }], idempotent: true });
	if (same.length) await client.call('account.move', 'write', { ids: same, args: [{ date: businessDate }], idempotent: true });
	await postAgain(client, drafts);
	await reconcileAgain(client, moves.map((m) => m.id));
	return { redated: todo.length, moves: moves.length, leftAlone };
}

/**
 * Whether an entry's number belongs to the period of `date` (…/2026/12/0003 monthly, …/2026/0003
 * yearly). Read from the number itself, so a run that already wrote the new date but stopped before
 * posting still gives the entry a new number; a number of another shape is judged by the entry's date.
 */
function numberedIn(m: MoveRow, date: string): boolean {
	if (!m.name || m.name === '/') return true;
	const monthly = /\/(\d{4})\/(\d{2})\/\d+$/.exec(m.name);
	if (monthly) return monthly[1] === date.slice(0, 4) && monthly[2] === date.slice(5, 7);
	const yearly = /\/(\d{4})\/\d+$/.exec(m.name);
	if (yearly) return yearly[1] === date.slice(0, 4);
	return m.date.slice(0, 7) === date.slice(0, 7);
}

/** Posts entries unless posted already (safe to repeat after a lost answer). */
async function postAgain(client: OdooClient, ids: number[]): Promise<void> {
	const rows = await client.call<Array<{ id: number; state: string }>>('account.move', 'read', { ids, kwargs: { fields: ['state'] } });
	const drafts = rows.filter((r) => r.state === 'draft').map((r) => r.id);
	if (!drafts.length) return;
	try {
		await client.call('account.move', 'action_post', { ids: drafts });
	} catch (error) {
		const again = await client.call<Array<{ state: string }>>('account.move', 'read', { ids: drafts, kwargs: { fields: ['state'] } });
		if (again.some((r) => r.state !== 'posted')) throw passOn(client.node, error);
	}
}

/** Reconciles the open lines the session's entries share on each reconcilable account (the POS receivable). */
async function reconcileAgain(client: OdooClient, moveIds: number[]): Promise<void> {
	const lines = await client.call<Array<{ id: number; account_id: [number, string]; amount_residual: number; move_id: [number, string] }>>('account.move.line', 'search_read', {
		args: [[['move_id', 'in', moveIds], ['reconciled', '=', false], ['parent_state', '=', 'posted']]],
		kwargs: { fields: ['account_id', 'amount_residual', 'move_id'] },
	});
	const byAccount = new Map<number, typeof lines>();
	for (const l of lines) if (l.amount_residual !== 0) byAccount.set(l.account_id[0], [...(byAccount.get(l.account_id[0]) ?? []), l]);
	const accounts = [...byAccount.keys()];
	if (!accounts.length) return;
	const reconcilable = await client.call<Array<{ id: number; reconcile: boolean }>>('account.account', 'read', { ids: accounts, kwargs: { fields: ['reconcile'] } });
	for (const a of reconcilable) {
		const open = byAccount.get(a.id) ?? [];
		const debit = open.some((l) => l.amount_residual > 0);
		const credit = open.some((l) => l.amount_residual < 0);
		if (!a.reconcile || !debit || !credit || new Set(open.map((l) => l.move_id[0])).size < 2) continue;
		await client.call('account.move.line', 'reconcile', { ids: open.map((l) => l.id), idempotent: true });
	}
}

/**
 * Closes one session: counted cash when cash control is on, close_session_from_ui in a time
 * zone where Odoo's today is the business date, then any of the session's entries Odoo still
 * dated otherwise (a session closed days later) is dated on the business date.
 * Every step can be repeated: a session closed by a run that lost its answer is finished here.
 * A session Odoo refuses to close is reported with Odoo's message and left open.
 */
export async function closeSession(client: OdooClient, session: SessionRow, businessDate: string | undefined): Promise<CloseResult> {
	const base: CloseResult = { sessionId: session.id, sessionName: session.name, status: 'skipped', businessDate };
	let closedNow = false;
	// Odoo dates what the close creates on its "today" in the context's time zone: the business day when one reaches it.
	const zone = businessDate ? zoneForDate(businessDate) : undefined;
	const context = zone ? { tz: zone } : {};
	if (session.state !== 'closed') {
		if (session.cash_control) {
			// PixelPoint does not count the drawer: the counted cash is what the payments say it holds.
			const payments = await client.call<Array<{ amount: number; payment_method_id: [number, string] }>>('pos.payment', 'search_read', {
				args: [[['session_id', '=', session.id], ['payment_method_id.is_cash_count', '=', true]]],
				kwargs: { fields: ['amount', 'payment_method_id'] },
			});
			const counted = Math.round((session.cash_register_balance_start + payments.reduce((s, p) => s + p.amount, 0)) * 100) / 100;
			const posted = await client.call<{ successful: boolean; message?: string }>('pos.session', 'post_closing_cash_details', { ids: [session.id], args: [counted], kwargs: { context }, idempotent: true });
			if (!posted.successful && !/already closed/i.test(String(posted.message))) return { ...base, status: 'failed', message: posted.message ?? 'Odoo refused the counted cash' };
		}
		// Repeating it answers "already closed", which is what we want to know.
		const res = await client.call<{ successful: boolean; message?: string; title?: string }>('pos.session', 'close_session_from_ui', { ids: [session.id], kwargs: { context }, idempotent: true });
		if (!res.successful && res.title !== 'Session already closed') return { ...base, status: 'failed', message: res.message ?? 'Odoo refused to close the session' };
		closedNow = res.successful;
	}
	const [after] = await readSessions(client, [session.id]);
	const out: CloseResult = { ...base, status: closedNow ? 'closed' : 'skipped', ...(closedNow ? {} : { message: 'already closed' }) };
	if (!businessDate) return out;
	const moveId = after?.move_id ? after.move_id[0] : undefined;
	const dated = await dateOnBusinessDay(client, session.id, moveId, businessDate);
	out.redatedEntries = dated.redated;
	out.entries = dated.moves;
	if (dated.leftAlone.length) {
		out.notRedated = dated.leftAlone;
		out.message = `${out.message ? `${out.message}; ` : ''}not re-dated, matched by an accountant outside the session: ${dated.leftAlone.join(', ')}`;
	}
	if (moveId) {
		out.moveId = moveId;
		out.moveDate = businessDate;
	}
	return out;
}

/**
 * A new session waits in opening control on Odoo 18 (always) and 17 (with cash control) until it
 * is opened. 17 opens it with set_cashbox_pos; 18 has set_opening_control instead, which also
 * restarts the session's clock, so the business day's opening time is written back.
 */
async function openForSales(client: OdooClient, sessionId: number, startAt: string, cashControl: boolean): Promise<void> {
	const [s] = await readSessions(client, [sessionId]);
	if (!s || s.state !== 'opening_control') return;
	const notes = 'Opened by the PixelPoint import';
	if ((await client.dialect()).sessionOpening === 'set_opening_control') {
		await client.call('pos.session', 'set_opening_control', { ids: [sessionId], args: [s.cash_register_balance_start, notes], idempotent: true });
		await client.call('pos.session', 'write', { ids: [sessionId], args: [{ start_at: startAt }], idempotent: true });
	} else if (cashControl) {
		await client.call('pos.session', 'set_cashbox_pos', { ids: [sessionId], args: [s.cash_register_balance_start, notes], idempotent: true });
	}
}

/** The session for a store and business date: reused while open, created (backdated) if missing. */
export async function ensureSession(
	client: OdooClient,
	x: PpXids,
	opts: {
		shopId: number;
		storeId: number;
		businessDate: string;
		startAt: string;
		known: Map<string, number>;
		/** Runs the close of an earlier day's session; the import's parallel lanes pass one that closes one at a time. */
		closing?: <T>(close: () => Promise<T>) => Promise<T>;
	},
): Promise<{ sessionId: number; opened: boolean; closedBefore?: CloseResult }> {
	const module = x.store(0).split('.')[0];
	const xid = x.session(opts.storeId, opts.businessDate);
	const name = xid.slice(module.length + 1);
	for (let attempt = 0; attempt < 3; attempt++) {
		let id = opts.known.get(name);
		if (id !== undefined) {
			const [s] = await readSessions(client, [id]);
			if (s && s.state === 'opening_control') await openForSales(client, id, opts.startAt, s.cash_control);
			if (s && s.state !== 'closed') return { sessionId: id, opened: false };
			if (s) {
				throw new DataError(
					`Store ${opts.storeId}'s session for ${opts.businessDate} (${s.name}) is already closed: this late invoice must be entered by hand in Odoo`,
					'BusinessDate',
				);
			}
		}
		// Another date still open for this shop? Close it first if it is older.
		const [shop] = await client.call<Array<{ current_session_id: [number, string] | false; cash_control: boolean }>>('pos.config', 'read', {
			ids: [opts.shopId],
			kwargs: { fields: ['current_session_id', 'cash_control'] },
		});
		let closedBefore: CloseResult | undefined;
		if (shop?.current_session_id) {
			const openId = shop.current_session_id[0];
			const openName = [...opts.known.entries()].find(([, v]) => v === openId)?.[0] ?? [...(await sessionXids(client, module, opts.storeId)).entries()].find(([, v]) => v === openId)?.[0];
			const openDate = openName ? dateOfSessionXid(openName) : undefined;
			if (!openDate) {
				throw new InputError(`Store ${opts.storeId}'s shop has an open session (${shop.current_session_id[1]}) the import did not open: close it in Odoo first`, 'StoreId');
			}
			if (openDate === opts.businessDate) {
				opts.known.set(name, openId);
				continue;
			}
			if (openDate > opts.businessDate) {
				throw new DataError(
					`Store ${opts.storeId} already has an open session for ${openDate}, later than ${opts.businessDate}: import older business dates first`,
					'BusinessDate',
				);
			}
			const [open] = await readSessions(client, [openId]);
			closedBefore = await (opts.closing ?? ((close) => close()))(() => closeSession(client, open, openDate));
			if (closedBefore.status === 'failed') {
				throw new InputError(`Store ${opts.storeId}'s session for ${openDate} could not be closed before opening ${opts.businessDate}: ${closedBefore.message}`, 'BusinessDate');
			}
		}
		const result = await client.call<LoadResult>('pos.session', 'load', {
			args: [['id', 'config_id/.id', 'start_at'], [[xid, String(opts.shopId), opts.startAt]]],
			idempotent: true,
		});
		if (result.ids) {
			id = result.ids[0];
			opts.known.set(name, id);
			await openForSales(client, id, opts.startAt, !!shop?.cash_control);
			return { sessionId: id, opened: true, closedBefore };
		}
		// Another execution opened it meanwhile (one open session per shop): look again.
		const again = await sessionXids(client, module, opts.storeId);
		for (const [k, v] of again) opts.known.set(k, v);
		if (!again.has(name) && attempt === 2) throw new InputError(`Odoo refused to open a session for store ${opts.storeId} on ${opts.businessDate}: ${result.messages.map((m) => m.message).join('; ')}`, 'StoreId');
	}
	throw new InputError(`No session could be found or opened for store ${opts.storeId} on ${opts.businessDate}`, 'StoreId');
}
