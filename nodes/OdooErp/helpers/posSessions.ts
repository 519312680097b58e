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
import { InputError } from './utils';

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
	backdatedPayments?: number;
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

/** Posts a move or payment unless it is posted already (safe to repeat after a lost answer). */
async function postAgain(client: OdooClient, model: 'account.move' | 'account.payment', ids: number[]): Promise<void> {
	if (!ids.length) return;
	const rows = await client.call<Array<{ id: number; state: string }>>(model, 'read', { ids, kwargs: { fields: ['state'] } });
	const drafts = rows.filter((r) => r.state === 'draft').map((r) => r.id);
	if (!drafts.length) return;
	try {
		await client.call(model, 'action_post', { ids: drafts });
	} catch (error) {
		const again = await client.call<Array<{ state: string }>>(model, 'read', { ids: drafts, kwargs: { fields: ['state'] } });
		if (again.some((r) => r.state !== 'posted')) throw error;
	}
}

/** Dates the session's entry and combined bank payments on the business date; does nothing where that is done. */
async function backdate(client: OdooClient, sessionId: number, moveId: number | undefined, businessDate: string): Promise<number> {
	if (moveId) {
		const [move] = await client.call<Array<{ date: string; state: string }>>('account.move', 'read', { ids: [moveId], kwargs: { fields: ['date', 'state'] } });
		if (move && (move.date !== businessDate || move.state !== 'posted')) {
			await client.call('account.move', 'button_draft', { ids: [moveId], idempotent: true });
			await client.call('account.move', 'write', { ids: [moveId], args: [{ date: businessDate }], idempotent: true });
			await postAgain(client, 'account.move', [moveId]);
		}
	}
	const payments = await client.call<Array<{ id: number; date: string; state: string }>>('account.payment', 'search_read', {
		args: [[['pos_session_id', '=', sessionId], ['reconciled_invoice_ids', '=', false]]],
		kwargs: { fields: ['date', 'state'] },
	});
	const todo = payments.filter((p) => p.date !== businessDate || p.state !== 'posted').map((p) => p.id);
	if (todo.length) {
		await client.call('account.payment', 'action_draft', { ids: todo, idempotent: true });
		await client.call('account.payment', 'write', { ids: todo, args: [{ date: businessDate }], idempotent: true });
		await postAgain(client, 'account.payment', todo);
	}
	return payments.length;
}

/**
 * Closes one session: counted cash when cash control is on, close_session_from_ui, then the
 * session's journal entry and its combined bank payments are backdated to the business date.
 * Every step can be repeated: a session closed by a run that lost its answer is finished here.
 * A session Odoo refuses to close is reported with Odoo's message and left open.
 */
export async function closeSession(client: OdooClient, session: SessionRow, businessDate: string | undefined): Promise<CloseResult> {
	const base: CloseResult = { sessionId: session.id, sessionName: session.name, status: 'skipped', businessDate };
	let closedNow = false;
	if (session.state !== 'closed') {
		if (session.cash_control) {
			// PixelPoint does not count the drawer: the counted cash is what the payments say it holds.
			const payments = await client.call<Array<{ amount: number; payment_method_id: [number, string] }>>('pos.payment', 'search_read', {
				args: [[['session_id', '=', session.id], ['payment_method_id.is_cash_count', '=', true]]],
				kwargs: { fields: ['amount', 'payment_method_id'] },
			});
			const counted = Math.round((session.cash_register_balance_start + payments.reduce((s, p) => s + p.amount, 0)) * 100) / 100;
			const posted = await client.call<{ successful: boolean; message?: string }>('pos.session', 'post_closing_cash_details', { ids: [session.id], args: [counted], idempotent: true });
			if (!posted.successful && !/already closed/i.test(String(posted.message))) return { ...base, status: 'failed', message: posted.message ?? 'Odoo refused the counted cash' };
		}
		// Repeating it answers "already closed", which is what we want to know.
		const res = await client.call<{ successful: boolean; message?: string; title?: string }>('pos.session', 'close_session_from_ui', { ids: [session.id], idempotent: true });
		if (!res.successful && res.title !== 'Session already closed') return { ...base, status: 'failed', message: res.message ?? 'Odoo refused to close the session' };
		closedNow = res.successful;
	}
	const [after] = await readSessions(client, [session.id]);
	const out: CloseResult = { ...base, status: closedNow ? 'closed' : 'skipped', ...(closedNow ? {} : { message: 'already closed' }) };
	if (!businessDate) return out;
	const moveId = after?.move_id ? after.move_id[0] : undefined;
	out.backdatedPayments = await backdate(client, session.id, moveId, businessDate);
	if (moveId) {
		out.moveId = moveId;
		out.moveDate = businessDate;
	}
	return out;
}

/** The session for a store and business date: reused while open, created (backdated) if missing. */
export async function ensureSession(
	client: OdooClient,
	x: PpXids,
	opts: { shopId: number; storeId: number; businessDate: string; startAt: string; known: Map<string, number> },
): Promise<{ sessionId: number; opened: boolean; closedBefore?: CloseResult }> {
	const module = x.store(0).split('.')[0];
	const xid = x.session(opts.storeId, opts.businessDate);
	const name = xid.slice(module.length + 1);
	for (let attempt = 0; attempt < 3; attempt++) {
		let id = opts.known.get(name);
		if (id !== undefined) {
			const [s] = await readSessions(client, [id]);
			if (s && s.state !== 'closed') return { sessionId: id, opened: false };
			if (s) {
				throw new InputError(
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
				throw new InputError(
					`Store ${opts.storeId} already has an open session for ${openDate}, later than ${opts.businessDate}: import older business dates first`,
					'BusinessDate',
				);
			}
			const [open] = await readSessions(client, [openId]);
			closedBefore = await closeSession(client, open, openDate);
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
			if (shop?.cash_control) {
				const [s] = await readSessions(client, [id]);
				await client.call('pos.session', 'set_cashbox_pos', { ids: [id], args: [s.cash_register_balance_start, 'Opened by the PixelPoint import'], idempotent: true });
			}
			return { sessionId: id, opened: true, closedBefore };
		}
		// Another execution opened it meanwhile (one open session per shop): look again.
		const again = await sessionXids(client, module, opts.storeId);
		for (const [k, v] of again) opts.known.set(k, v);
		if (!again.has(name) && attempt === 2) throw new InputError(`Odoo refused to open a session for store ${opts.storeId} on ${opts.businessDate}: ${result.messages.map((m) => m.message).join('; ')}`, 'StoreId');
	}
	throw new InputError(`No session could be found or opened for store ${opts.storeId} on ${opts.businessDate}`, 'StoreId');
}
