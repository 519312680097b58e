/**
 * Paying a posted customer invoice through Odoo's own wizard (account.payment.register creates,
 * posts and reconciles the payment), once per idempotency key: the Register on Invoice operation
 * and the POS counter API share it.
 */
import { UnknownOutcomeError } from '../../shared/http';
import type { OdooClient } from '../transport';
import { createClaim } from './claims';
import { passOn } from './items';

/** The payment whose memo ends with the idempotency key, if one was made (its answer may have been lost). */
export async function findKeyedPayment(client: OdooClient, key: string): Promise<number | undefined> {
	const memo = (await client.dialect()).paymentMemoField;
	const ids = await client.call<number[]>('account.payment', 'search', { args: [[[memo, '=like', `% ${key}`]]], kwargs: { limit: 1 } });
	return ids[0];
}

/** A claim left by a run that crashed before paying may be taken over after this long. */
const STALE_CLAIM_MS = 10 * 60 * 1000;

/**
 * What an idempotency key already did: the payment it made (a claim whose answer was lost is
 * completed from the payment's memo), `busy` while another execution holds it, or nothing — a
 * stale claim of a crashed run is removed, so the key can pay.
 */
export async function keyedPayment(client: OdooClient, key: { module: string; name: string }): Promise<{ paymentId?: number; busy?: boolean }> {
	const [found] = await client.call<Array<{ id: number; res_id: number; create_date?: string }>>('ir.model.data', 'search_read', {
		args: [[['module', '=', key.module], ['name', '=', key.name]]],
		kwargs: { fields: ['res_id', 'create_date'] },
	});
	if (!found) return {};
	if (found.res_id) return { paymentId: found.res_id };
	// A claim without its payment: another execution is at it, or one lost its answer.
	const adopted = await findKeyedPayment(client, `${key.module}.${key.name}`);
	if (adopted) {
		await client.call('ir.model.data', 'write', { ids: [found.id], args: [{ res_id: adopted }], idempotent: true });
		return { paymentId: adopted };
	}
	if (!(client.ageMs(found.create_date) > STALE_CLAIM_MS)) return { busy: true };
	await client.call('ir.model.data', 'unlink', { ids: [found.id], idempotent: true });
	return {};
}

export interface PayInvoice {
	invoiceId: number;
	/** In euros, already checked against the open balance. */
	amount: number;
	journalId: number;
	date: string;
	/** The payment's memo; the key is appended, so a payment whose answer was lost can be found again. */
	memo: string;
	/** module.name of the external ID that makes the payment once. */
	key?: { module: string; name: string };
	sessionId?: number;
}

/**
 * Takes the key (Odoo's unique index on external IDs, so a concurrent retry cannot pay as well),
 * pays, ties the payment to the POS session and to the key. Answers the payment's ID. A failure
 * before the payment exists releases the key; after, the key stays, so a retry cannot pay again.
 */
export async function payInvoice(client: OdooClient, p: PayInvoice): Promise<number> {
	const fullKey = p.key ? `${p.key.module}.${p.key.name}` : '';
	let claim = p.key ? await createClaim(client, { ...p.key, model: 'account.payment', res_id: 0 }) : undefined;
	let paid = false;
	try {
		const context = { active_model: 'account.move', active_ids: [p.invoiceId] };
		const memo = fullKey ? `${p.memo} ${fullKey}` : p.memo;
		const wizard = await client.call<number>('account.payment.register', 'create', {
			args: [{ amount: p.amount, journal_id: p.journalId, payment_date: p.date, communication: memo }],
			kwargs: { context },
			idempotent: true, // a wizard is a transient record: a second one is harmless
		});
		let paymentId: number;
		try {
			const action = await client.call<{ res_id?: number }>('account.payment.register', 'action_create_payments', { ids: [wizard], kwargs: { context } });
			paymentId = Number(action.res_id);
		} catch (error) {
			const adopted = fullKey && error instanceof UnknownOutcomeError ? await findKeyedPayment(client, fullKey) : undefined;
			if (!adopted) throw passOn(client.node, error);
			paymentId = adopted;
		}
		paid = true;
		if (p.sessionId) await client.call('account.payment', 'write', { ids: [paymentId], args: [{ pos_session_id: p.sessionId }], idempotent: true });
		if (claim) await client.call('ir.model.data', 'write', { ids: [claim], args: [{ res_id: paymentId }], idempotent: true });
		claim = undefined;
		return paymentId;
	} finally {
		if (claim && !paid) await client.call('ir.model.data', 'unlink', { ids: [claim], idempotent: true }).catch(() => undefined);
	}
}
