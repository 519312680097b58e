import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep, updateDisplayOptions } from 'n8n-workflow';
import { postAudit } from '../../helpers/audit';
import {
	type CounterRequest,
	type ThrottlePolicy,
	type ThrottleState,
	type Till,
	Refusal,
	countFailure,
	normalShown,
	parseAmountCents,
	parseId,
	parseIdempotencyKey,
	parseShown,
	pruneThrottle,
	refuseIfSlowed,
	refuseLarge,
	refuseRevoked,
	refuseUnknown,
	requestOf,
	revokedList,
	tillKey,
	tillOf,
	toMoney,
} from '../../helpers/counter';
import { ok } from '../../helpers/items';
import { openInvoicesAnswer, openInvoicesOf } from '../../helpers/openInvoices';
import { type PpXids, ppXids } from '../../helpers/pixelpoint';
import { keyedPayment, payInvoice } from '../../helpers/payments';
import { namespaceProperty } from '../../helpers/posMasterData';
import { sessionInvoicePayments } from '../../helpers/sessionPayments';
import { type OdooClient, type OdooCompany, namesCompany } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Endpoint',
		name: 'endpoint',
		type: 'options',
		options: [
			{ name: 'Open Invoices', value: 'openInvoices', description: "GET with customer (an ID) and ref (an invoice number or the customer's reference)" },
			{ name: 'Take Payment', value: 'payment', description: 'POST {invoice, customer, amount, method} with an Idempotency-Key header' },
			{ name: 'Session Summary', value: 'sessionSummary', description: "GET, optionally with session (an ID): the invoice payments of the till's store session" },
		],
		default: 'openInvoices',
		description: 'What the till asked for; the template sets it from the webhook that ran',
	},
	{
		displayName: 'Request',
		name: 'request',
		type: 'json',
		default: '={{ JSON.stringify($json) }}',
		description: "The Webhook node's item: headers, query, body and the verified till token's claims (jwtPayload)",
	},
	namespaceProperty,
	{
		displayName: 'Cash Ceiling per Payment',
		name: 'cashCeiling',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 500,
		description: 'The largest cash payment a till may take on an invoice; larger amounts go by card or bank transfer',
	},
	{
		displayName: 'Revoked Tills',
		name: 'revoked',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. helsinki-1-2026-01, tampere-2-2026-03',
		description: 'Token IDs (jti) or till names (sub) refused from now on, separated by commas or lines. Rotating the JWT credential\'s secret revokes every token at once.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{ displayName: 'Audit Channel', name: 'auditChannel', type: 'string', default: 'Integration Audit', description: 'Discuss channel where payments and slowed tills are recorded' },
			{ displayName: 'Max Refusals', name: 'maxFailures', type: 'number', typeOptions: { minValue: 1 }, default: 5, description: 'Refused requests of one till within the window that slow it down' },
			{ displayName: 'Window (Minutes)', name: 'windowMinutes', type: 'number', typeOptions: { minValue: 1 }, default: 15, description: 'How long refusals count, and how long a slowed till waits' },
			{ displayName: 'Max Request Size (Bytes)', name: 'maxBytes', type: 'number', typeOptions: { minValue: 256 }, default: 2048, description: 'Larger requests are refused unread' },
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['posCounter'], operation: ['request'] } }, properties);

type M2o = [number, string] | false;

interface Ctx {
	client: OdooClient;
	till: Till;
	request: CounterRequest;
	company: OdooCompany;
	x: PpXids;
	cashCeilingCents: number;
	auditChannel: string;
	itemIndex: number;
}

/** The token names the company by ID or name; it must be the one this credential works in. */
function refuseOtherCompany(till: Till, company: OdooCompany): void {
	if (!namesCompany(till.company, company)) throw new Refusal(403, "This till token is not for this company's counter", true);
}

/** The till's store (its pos.config), in this company. */
async function storeOf(c: Ctx): Promise<{ id: number; name: string; payment_method_ids: number[] }> {
	const [module, name] = c.x.store(c.till.store).split('.');
	const [link] = await c.client.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', {
		args: [[['module', '=', module], ['name', '=', name], ['model', '=', 'pos.config']]],
		kwargs: { fields: ['res_id'], limit: 1 },
	});
	const [config] = link
		? await c.client.call<Array<{ id: number; name: string; payment_method_ids: number[] }>>('pos.config', 'search_read', {
				args: [[['id', '=', link.res_id], ['company_id', '=', c.company.id]]],
				kwargs: { fields: ['name', 'payment_method_ids'], limit: 1 },
			})
		: [];
	if (!config) throw new Refusal(409, `Store ${c.till.store} of this till is not set up in this company's Odoo: run the master-data flow, or issue the till a token for its store`, false);
	return config;
}

async function openInvoices(c: Ctx): Promise<IDataObject> {
	refuseUnknown(c.request.query, ['customer', 'ref'], 'query');
	const customerId = parseId(c.request.query.customer, 'customer')!;
	const shown = parseShown(c.request.query.ref);
	// One answer for a customer that does not exist, is another company's, or was not proven: nothing to learn from guessing.
	const miss = new Refusal(404, `No open invoices match customer ${customerId} and that reference`);
	const [partner] = await c.client.call<Array<{ id: number; name: string; ref: string | false }>>('res.partner', 'search_read', {
		args: [[['id', '=', customerId], ['company_id', 'in', [false, c.company.id]]]],
		kwargs: { fields: ['name', 'ref'], limit: 1 },
	});
	if (!partner) throw miss;
	const invoices = await openInvoicesOf(c.client, customerId);
	const proven = normalShown(partner.ref) === shown || invoices.some((inv) => normalShown(inv.name) === shown || normalShown(inv.payment_reference) === shown);
	if (!proven) throw miss;
	return { ...openInvoicesAnswer(partner, invoices), till: c.till.name };
}

interface PaymentRow {
	id: number;
	name: string;
	amount: number;
	journal_id: M2o;
	reconciled_invoice_ids: number[];
	pos_session_id: M2o;
}

/** The payment a key made, answered again only for the same request. */
async function replay(c: Ctx, paymentId: number, want: { invoiceId: number; cents: number; method: string; session?: number }, key: string): Promise<IDataObject> {
	const [p] = await c.client.call<PaymentRow[]>('account.payment', 'read', { ids: [paymentId], kwargs: { fields: ['name', 'amount', 'journal_id', 'reconciled_invoice_ids', 'pos_session_id'] } });
	const [journal] = p && p.journal_id ? await c.client.call<Array<{ type: string }>>('account.journal', 'read', { ids: [p.journal_id[0]], kwargs: { fields: ['type'] } }) : [];
	const same =
		!!p &&
		p.reconciled_invoice_ids.includes(want.invoiceId) &&
		Math.round(p.amount * 100) === want.cents &&
		journal?.type === want.method &&
		(!want.session || (p.pos_session_id && p.pos_session_id[0] === want.session));
	if (!same) throw new Refusal(422, 'This Idempotency-Key was already used for another payment: send a new key for a new payment');
	const [inv] = await c.client.call<Array<{ name: string; amount_residual: number; payment_state: string }>>('account.move', 'read', {
		ids: [want.invoiceId],
		kwargs: { fields: ['name', 'amount_residual', 'payment_state'] },
	});
	return {
		status: 'already registered',
		paymentId: p.id,
		payment: p.name,
		invoiceId: want.invoiceId,
		invoice: inv?.name,
		amount: toMoney(want.cents),
		method: want.method,
		sessionId: p.pos_session_id ? p.pos_session_id[0] : null,
		session: p.pos_session_id ? p.pos_session_id[1] : null,
		till: c.till.name,
		paymentState: inv?.payment_state,
		residual: inv?.amount_residual,
		idempotencyKey: key,
	};
}

async function takePayment(c: Ctx): Promise<IDataObject> {
	const { body } = c.request;
	refuseUnknown(c.request.query, [], 'query');
	refuseUnknown(body, ['invoice', 'customer', 'amount', 'method', 'session'], 'body');
	const invoiceId = parseId(body.invoice, 'invoice')!;
	const customerId = parseId(body.customer, 'customer')!;
	const cents = parseAmountCents(body.amount);
	const method = body.method;
	if (method !== 'cash' && method !== 'bank') throw new Refusal(400, 'method must be "cash" or "bank"');
	const sessionAsked = parseId(body.session, 'session', false);
	const key = parseIdempotencyKey(c.request.headers);
	if (method === 'cash' && cents > c.cashCeilingCents) {
		throw new Refusal(422, `Cash payments above ${toMoney(c.cashCeilingCents).toFixed(2)} are not taken at the counter: take it by card or bank transfer`);
	}
	// A till's keys are its own: another till's key can neither collide nor be replayed.
	const xid = { module: 'pos_counter', name: `t${tillKey(c.till)}_${key}` };
	const want = { invoiceId, cents, method, session: sessionAsked };
	/** The payment the key already made, answered again (only for the same request); undefined when the key may pay. */
	const already = async (): Promise<IDataObject | undefined> => {
		const done = await keyedPayment(c.client, xid);
		if (done.busy) throw new Refusal(409, 'A payment with this Idempotency-Key is being registered: ask again in a moment with the same key', false);
		return done.paymentId ? await replay(c, done.paymentId, want, key) : undefined;
	};
	// A retry is answered before anything else is looked at, whatever became of the session since.
	const first = await already();
	if (first) return first;

	const store = await storeOf(c);
	const sessions = await c.client.call<Array<{ id: number; name: string }>>('pos.session', 'search_read', {
		args: [[['config_id', '=', store.id], ['state', '=', 'opened']]],
		kwargs: { fields: ['name'], order: 'id desc' },
	});
	const session = sessionAsked ? sessions.find((s) => s.id === sessionAsked) : sessions[0];
	if (!session) {
		throw sessionAsked
			? new Refusal(409, `Session ${sessionAsked} is not an open session of store ${c.till.store}`)
			: new Refusal(409, `Store ${c.till.store} has no open POS session: the counter takes payments while the store's day is open`, false);
	}

	// Refused before the lock is taken: a refusal writes nothing.
	await payable(c, { invoiceId, customerId, cents, method, store });
	// One payment at a time per invoice: two tills paying the same invoice at once never pay more than is open.
	const lock = await lockInvoice(c, invoiceId);
	try {
		// The same key sent twice at once: the second finds the first's payment once it holds the lock.
		return (await already()) ?? (await payLocked(c, { invoiceId, customerId, cents, method, key, xid, store, session }));
	} finally {
		await c.client.call('ir.model.data', 'unlink', { ids: [lock], idempotent: true }).catch(() => undefined);
	}
}

/** How long a lock on an invoice may be held before another execution takes it over (one that crashed). */
const STALE_LOCK_MS = 2 * 60 * 1000;

/** A lock on the invoice as an external ID (Odoo's unique index): waits a few seconds for another payment of it to end. */
async function lockInvoice(c: Ctx, invoiceId: number): Promise<number> {
	const row = { module: 'pos_counter', name: `paying_invoice_${invoiceId}`, model: 'account.move', res_id: invoiceId };
	for (let attempt = 0; attempt < 40; attempt++) {
		const [held] = await c.client.call<Array<{ id: number; create_date?: string }>>('ir.model.data', 'search_read', {
			args: [[['module', '=', row.module], ['name', '=', row.name]]],
			kwargs: { fields: ['create_date'] },
		});
		if (held) {
			if (c.client.ageMs(held.create_date) > STALE_LOCK_MS) await c.client.call('ir.model.data', 'unlink', { ids: [held.id], idempotent: true });
			else {
				await sleep(150 + Math.random() * 200);
				continue;
			}
		}
		try {
			return await c.client.call<number>('ir.model.data', 'create', { args: [row] });
		} catch {
			// Another execution took it between the look and the create: look again.
		}
	}
	throw new Refusal(409, 'Another payment of this invoice is being registered: retry in a moment with the same Idempotency-Key', false);
}

type Invoice = { id: number; name: string; state: string; partner_id: M2o; commercial_partner_id: M2o; amount_residual: number; payment_state: string };

/**
 * The invoice and the journal of the store's method, or the refusal. Asked before the invoice lock
 * (so a refused payment writes nothing, not even the lock) and again under it (the answer of record:
 * another till may have paid the invoice in between).
 */
async function payable(c: Ctx, p: { invoiceId: number; customerId: number; cents: number; method: string; store: { payment_method_ids: number[] } }): Promise<{ inv: Invoice; journalId: number }> {
	const { invoiceId, customerId, cents, method, store } = p;
	const [inv] = await c.client.call<Invoice[]>('account.move', 'search_read', {
		args: [[['id', '=', invoiceId], ['move_type', '=', 'out_invoice'], ['company_id', '=', c.company.id]]],
		kwargs: { fields: ['name', 'state', 'partner_id', 'commercial_partner_id', 'amount_residual', 'payment_state'], limit: 1 },
	});
	const ownedBy = (m2o: M2o) => !!m2o && m2o[0] === customerId;
	// Another company's invoice, another customer's, or none: the same answer.
	if (!inv || !(ownedBy(inv.partner_id) || ownedBy(inv.commercial_partner_id))) throw new Refusal(404, `No invoice ${invoiceId} of customer ${customerId}`);
	if (inv.state !== 'posted') throw new Refusal(409, `Invoice ${invoiceId} is not posted: only posted invoices can be paid`);
	const residualCents = Math.round(inv.amount_residual * 100);
	if (residualCents <= 0) throw new Refusal(409, `Invoice ${inv.name} has nothing left to pay`);
	if (cents > residualCents) throw new Refusal(422, `${toMoney(cents).toFixed(2)} is more than the open balance ${toMoney(residualCents).toFixed(2)} of ${inv.name}`);

	const methods = store.payment_method_ids.length
		? await c.client.call<Array<{ id: number; type: string; journal_id: M2o }>>('pos.payment.method', 'read', { ids: store.payment_method_ids, kwargs: { fields: ['type', 'journal_id'] } })
		: [];
	const allowed = methods.find((m) => m.type === method && m.journal_id);
	if (!allowed || !allowed.journal_id) throw new Refusal(422, `Store ${c.till.store} takes no ${method} payments`);
	return { inv, journalId: allowed.journal_id[0] };
}

async function payLocked(
	c: Ctx,
	p: { invoiceId: number; customerId: number; cents: number; method: string; key: string; xid: { module: string; name: string }; store: { payment_method_ids: number[] }; session: { id: number; name: string } },
): Promise<IDataObject> {
	const { invoiceId, cents, method, key, xid, session } = p;
	const { inv, journalId } = await payable(c, p);

	const date = new Date().toISOString().slice(0, 10);
	const amount = toMoney(cents);
	// Who took it, in the payment's memo: the till and the session (the key follows, to find a payment whose answer was lost).
	const memo = `${inv.name} · till ${c.till.name} · ${session.name}`;
	const paymentId = await payInvoice(c.client, { invoiceId, amount, journalId, date, memo, key: xid, sessionId: session.id });
	const [after] = await c.client.call<Array<{ amount_residual: number; payment_state: string }>>('account.move', 'read', { ids: [invoiceId], kwargs: { fields: ['amount_residual', 'payment_state'] } });
	const [paid] = await c.client.call<Array<{ name: string }>>('account.payment', 'read', { ids: [paymentId], kwargs: { fields: ['name'] } });
	const answer: IDataObject = {
		status: 'registered',
		paymentId,
		payment: paid?.name ?? null,
		invoiceId,
		invoice: inv.name,
		amount,
		method,
		journalId,
		paymentDate: date,
		sessionId: session.id,
		session: session.name,
		till: c.till.name,
		paymentState: after?.payment_state,
		residual: after?.amount_residual,
		idempotencyKey: key,
	};
	answer.audited = await audit(c, {
		operation: 'POS counter payment',
		status: 'registered',
		paid: 1,
		detail: `${amount.toFixed(2)} ${method} on ${inv.name} by till ${c.till.name} (store ${c.till.store}) in ${session.name}, payment ${String(paid?.name ?? paymentId)}`,
	});
	return answer;
}

async function sessionSummary(c: Ctx): Promise<IDataObject> {
	refuseUnknown(c.request.query, ['session'], 'query');
	const asked = parseId(c.request.query.session, 'session', false);
	const store = await storeOf(c);
	const [session] = await c.client.call<Array<{ id: number; name: string; state: string }>>('pos.session', 'search_read', {
		args: [[['config_id', '=', store.id], ...(asked ? [['id', '=', asked]] : [['state', '=', 'opened']])]],
		kwargs: { fields: ['name', 'state'], order: 'id desc', limit: 1 },
	});
	if (!session) throw asked ? new Refusal(404, `No POS session ${asked} at store ${c.till.store}`) : new Refusal(404, `Store ${c.till.store} has no open POS session`, false);
	return { ...(await sessionInvoicePayments(c.client, session.id, session)), store: c.till.store, till: c.till.name };
}

/** An audit record that must not turn a done payment into a failure: answers whether it was posted. */
async function audit(c: Pick<Ctx, 'client' | 'auditChannel' | 'itemIndex'>, record: IDataObject): Promise<boolean> {
	try {
		await postAudit(c.client, c.auditChannel, record, c.itemIndex);
		return true;
	} catch {
		return false;
	}
}

const ENDPOINTS: Record<string, (c: Ctx) => Promise<IDataObject>> = { openInvoices, payment: takePayment, sessionSummary };

/** The request as the Request parameter holds it: the webhook's item, as an object or its JSON. */
function rawRequest(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	let parsed: unknown = null;
	try {
		parsed = JSON.parse(value) as unknown;
	} catch {
		parsed = null;
	}
	if (parsed === null) throw new Refusal(400, 'The request could not be read as JSON', false);
	return parsed;
}

/**
 * One answer per request, as `{statusCode, body}` for Respond to Webhook: the till's token claims
 * checked (company, store, not revoked, not slowed), then its input, then Odoo's records. Nothing is
 * written unless every rule holds; refusals count against the till and a slowed till is audited.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const staticData = this.getWorkflowStaticData('node');
	const throttle = (staticData.tills ??= {}) as ThrottleState;
	for (let i = 0; i < items.length; i++) {
		const endpoint = this.getNodeParameter('endpoint', i) as string;
		const options = this.getNodeParameter('options', i, {}) as { auditChannel?: string; maxFailures?: number; windowMinutes?: number; maxBytes?: number };
		const policy: ThrottlePolicy = { maxFailures: options.maxFailures ?? 5, windowMs: (options.windowMinutes ?? 15) * 60_000 };
		const auditChannel = String(options.auditChannel ?? 'Integration Audit').trim() || 'Integration Audit';
		let till: Till | undefined;
		let ctx: Ctx | undefined;
		try {
			const handler = ENDPOINTS[endpoint];
			if (!handler) throw new NodeOperationError(this.getNode(), `Endpoint "${endpoint}" is not one of ${Object.keys(ENDPOINTS).join(', ')}`, { itemIndex: i });
			const request = requestOf(rawRequest(this.getNodeParameter('request', i)));
			till = tillOf(request.jwtPayload);
			refuseRevoked(till, revokedList(this.getNodeParameter('revoked', i, '') as string));
			const now = Date.now();
			pruneThrottle(throttle, now, policy);
			refuseIfSlowed(throttle, tillKey(till), now);
			refuseLarge(request, options.maxBytes ?? 2048);
			const company = await client.company();
			refuseOtherCompany(till, company);
			const ns = String(this.getNodeParameter('namespace', i, 'pixelpoint')).trim();
			const ceiling = Number(this.getNodeParameter('cashCeiling', i, 500));
			ctx = { client, till, request, company, x: ppXids(ns), cashCeilingCents: Math.round((Number.isFinite(ceiling) ? ceiling : 0) * 100), auditChannel, itemIndex: i };
			out.push(ok({ statusCode: 200, body: await handler(ctx) }, i));
		} catch (error) {
			if (error instanceof Refusal) {
				const body: IDataObject = { error: error.message };
				if (error.retryAfterSeconds) body.retryAfterSeconds = error.retryAfterSeconds;
				if (error.counts && till && countFailure(throttle, tillKey(till), Date.now(), policy)) {
					// The moment a till is slowed is worth a person's look: someone may be guessing.
					body.audited = await audit({ client, auditChannel, itemIndex: i }, {
						operation: 'POS counter',
						status: 'till slowed',
						failed: policy.maxFailures,
						detail: `till ${till.name} (token ${till.tokenId}, store ${till.store}) was refused ${policy.maxFailures} times within ${policy.windowMs / 60_000} min; it is answered 429 for ${policy.windowMs / 60_000} min. Last: ${error.message}`,
					});
				}
				out.push(ok({ statusCode: error.status, body }, i));
				continue;
			}
			if (error instanceof NodeOperationError && !ctx) throw new NodeOperationError(this.getNode(), error.message, { itemIndex: i });
			// Odoo did not answer as it should: the till may retry with the same Idempotency-Key.
			const message = error instanceof Error ? error.message : String(error);
			out.push(ok({ statusCode: 502, body: { error: `Odoo could not complete the request: ${message}. Retry with the same Idempotency-Key.` } }, i));
		}
	}
	return out;
}
