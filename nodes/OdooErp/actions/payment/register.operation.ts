import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { keyedPayment, payInvoice } from '../../helpers/payments';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

const properties: INodeProperties[] = [
	{ displayName: 'Invoice ID', name: 'invoiceId', type: 'string', default: '', required: true, description: 'The posted customer invoice to pay' },
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		default: '',
		description: 'When given, the invoice must belong to this customer (a counter payment names who pays)',
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		default: '',
		placeholder: 'e.g. 40.00',
		description: 'Empty pays the full open balance; more than the open balance is refused',
	},
	{
		displayName: 'Journal',
		name: 'journalMode',
		type: 'options',
		options: [
			{ name: 'Cash', value: 'cash', description: "The cash journal of the POS session's shop, or the company's first cash journal" },
			{ name: 'Bank', value: 'bank', description: "The bank journal of the POS session's shop, or the company's first bank journal" },
			{ name: 'Chosen Journal', value: 'journal' },
		],
		default: 'journal',
	},
	{
		displayName: 'Journal',
		name: 'journal',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		// Checked when used: with Journal set by an expression n8n cannot tell this field is shown.
		displayOptions: { show: { journalMode: ['journal'] } },
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchPaymentJournals', searchable: true } },
			{ displayName: 'By Code', name: 'code', type: 'string', placeholder: 'e.g. BNK1' },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 6', validation: [{ type: 'regex', properties: { regex: '^[0-9]+$', errorMessage: 'A journal ID is a number' } }] },
		],
	},
	{
		displayName: 'Cap at Open Balance',
		name: 'cap',
		type: 'boolean',
		default: false,
		description:
			'Whether to pay at most the open balance (e.g. bank payments fetched from accounting) instead of refusing a larger amount; an invoice already paid is then skipped',
	},
	{ displayName: 'Payment Date', name: 'paymentDate', type: 'string', default: '', placeholder: 'e.g. 2026-11-03', description: 'Empty is today' },
	{
		displayName: 'POS Session ID',
		name: 'sessionId',
		type: 'string',
		default: '',
		description: 'A payment taken at the counter belongs to this session, which must be open (required for the cash or bank of the session)',
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: 'e.g. procountor.payment_70001',
		description: 'External ID given to the payment: a retried request with the same key returns the first payment instead of paying twice',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['payment'], operation: ['register'] } }, properties);

interface InvoiceRow {
	id: number;
	name: string;
	move_type: string;
	state: string;
	partner_id: [number, string] | false;
	amount_residual: number;
	payment_state: string;
}

const INVOICE_FIELDS = ['name', 'move_type', 'state', 'partner_id', 'amount_residual', 'payment_state'];


async function journalOf(ctx: IExecuteFunctions, client: OdooClient, i: number, mode: string, sessionId: number | undefined): Promise<number> {
	if (mode === 'journal') {
		const loc = ctx.getNodeParameter('journal', i) as { mode?: string; value?: string | number };
		const v = String(loc?.value ?? '').trim();
		if (!v) throw new InputError('Journal is empty: choose a cash or bank journal', 'journal');
		const domain = loc?.mode === 'code' ? [['code', '=', v]] : [['id', '=', Number(v)]];
		const [j] = await client.call<Array<{ id: number; type: string; name: string }>>('account.journal', 'search_read', { args: [domain], kwargs: { fields: ['type', 'name'], limit: 1 } });
		if (!j) throw new InputError(`No journal ${loc?.mode === 'code' ? 'with code' : 'with ID'} "${v}"`, 'journal');
		if (j.type !== 'cash' && j.type !== 'bank') throw new InputError(`Journal ${j.name} is a ${j.type} journal: payments go on a cash or bank journal`, 'journal');
		return j.id;
	}
	if (!sessionId) {
		// No session: the company's first journal of that kind.
		const [j] = await client.call<Array<{ id: number }>>('account.journal', 'search_read', { args: [[['type', '=', mode]]], kwargs: { fields: ['id'], order: 'sequence, id', limit: 1 } });
		if (!j) throw new InputError(`Odoo has no ${mode} journal`, 'journalMode');
		return j.id;
	}
	const methods = await client.call<Array<{ journal_id: [number, string] | false; type: string }>>('pos.payment.method', 'search_read', {
		args: [[['config_ids.session_ids', '=', sessionId]]],
		kwargs: { fields: ['journal_id', 'type'] },
	});
	const m = methods.find((x) => x.type === mode && x.journal_id);
	if (!m || !m.journal_id) throw new InputError(`The shop of session ${sessionId} has no ${mode} payment method with a journal`, 'journalMode');
	return m.journal_id[0];
}

/**
 * Registers a payment on a posted customer invoice through account.payment.register, which
 * creates, posts and reconciles it. Every rule is checked before anything is written.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const rawInvoice = String(this.getNodeParameter('invoiceId', i, '') ?? '').trim();
			// Nothing to pay: an empty item from "Always Output Data" upstream.
			if (!rawInvoice && !Object.keys(items[i].json).length) continue;
			if (typeof items[i].json.error === 'string') throw new InputError(`The step before failed: ${items[i].json.error}`);
			const invoiceId = Number(rawInvoice);
			if (!Number.isInteger(invoiceId) || invoiceId <= 0) throw new InputError(`Invoice ID "${rawInvoice}" is not an ID`, 'invoiceId');
			const key = String(this.getNodeParameter('idempotencyKey', i, '') ?? '').trim();
			let xid: { module: string; name: string } | undefined;
			if (key) {
				const dot = key.indexOf('.');
				if (dot <= 0 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(key)) throw new InputError(`Idempotency Key "${key}" must look like module.name`, 'idempotencyKey');
				xid = { module: key.slice(0, dot), name: key.slice(dot + 1) };
				const done = await keyedPayment(client, xid);
				if (done.busy) throw new InputError(`A payment with key ${key} is being registered by another execution`, 'idempotencyKey');
				if (done.paymentId) {
					const [inv] = await client.call<InvoiceRow[]>('account.move', 'read', { ids: [invoiceId], kwargs: { fields: INVOICE_FIELDS } });
					out.push(ok({ status: 'already registered', paymentId: done.paymentId, invoiceId, paymentState: inv?.payment_state, residual: inv?.amount_residual, idempotencyKey: key }, i));
					continue;
				}
			}
			const [inv] = await client.call<InvoiceRow[]>('account.move', 'read', { ids: [invoiceId], kwargs: { fields: INVOICE_FIELDS } });
			if (!inv) throw new InputError(`No invoice with ID ${invoiceId}`, 'invoiceId');
			if (inv.move_type !== 'out_invoice') throw new InputError(`${inv.name} is not a customer invoice (${inv.move_type})`, 'invoiceId');
			if (inv.state !== 'posted') throw new InputError(`Invoice ${inv.name === '/' ? `ID ${invoiceId}` : inv.name} is a ${inv.state} invoice: only posted invoices can be paid`, 'invoiceId');
			if (!inv.partner_id) throw new InputError(`Invoice ${inv.name} has no customer: a payment needs one`, 'invoiceId');
			const rawCustomer = String(this.getNodeParameter('customerId', i, '') ?? '').trim();
			if (rawCustomer) {
				const [own] = await client.call<Array<{ commercial_partner_id: [number, string] | false }>>('account.move', 'read', { ids: [invoiceId], kwargs: { fields: ['commercial_partner_id'] } });
				const commercial = own?.commercial_partner_id ? own.commercial_partner_id[0] : undefined;
				if (Number(rawCustomer) !== commercial && Number(rawCustomer) !== inv.partner_id[0]) {
					throw new InputError(`Invoice ${inv.name} belongs to ${inv.partner_id[1]}, not to customer ${rawCustomer}`, 'customerId');
				}
			}
			const cap = this.getNodeParameter('cap', i, false) as boolean;
			if (!(inv.amount_residual > 0)) {
				if (cap) {
					out.push(ok({ status: 'nothing to pay', invoiceId, invoice: inv.name, paymentState: inv.payment_state, residual: 0 }, i));
					continue;
				}
				throw new InputError(`Invoice ${inv.name} has nothing left to pay (${inv.payment_state})`, 'invoiceId');
			}
			const rawAmount = String(this.getNodeParameter('amount', i, '') ?? '').trim().replace(',', '.');
			let amount = rawAmount === '' ? inv.amount_residual : Number(rawAmount);
			if (cap && amount > inv.amount_residual) amount = inv.amount_residual;
			if (!Number.isFinite(amount) || amount <= 0) throw new InputError(`Amount "${rawAmount}" must be a number above zero`, 'amount');
			if (amount > inv.amount_residual + 0.005) throw new InputError(`Amount ${amount.toFixed(2)} is more than the open balance ${inv.amount_residual.toFixed(2)} of ${inv.name}`, 'amount');
			const rawSession = String(this.getNodeParameter('sessionId', i, '') ?? '').trim();
			let sessionId: number | undefined;
			if (rawSession) {
				sessionId = Number(rawSession);
				const [s] = await client.call<Array<{ state: string; name: string }>>('pos.session', 'read', { ids: [sessionId], kwargs: { fields: ['state', 'name'] } });
				if (!s) throw new InputError(`No POS session with ID ${rawSession}`, 'sessionId');
				if (s.state === 'closed' || s.state === 'closing_control') throw new InputError(`POS session ${s.name} is ${s.state === 'closed' ? 'closed' : 'closing'}: a counter payment needs an open session`, 'sessionId');
			}
			const journalId = await journalOf(this, client, i, this.getNodeParameter('journalMode', i, 'journal') as string, sessionId);
			const date = String(this.getNodeParameter('paymentDate', i, '') ?? '').trim() || new Date().toISOString().slice(0, 10);
			if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new InputError(`Payment Date "${date}" is not YYYY-MM-DD`, 'paymentDate');

			// Rules hold: pay once per key. The key goes in the memo, so a payment whose answer was lost can be found again.
			const paymentId = await payInvoice(client, { invoiceId, amount, journalId, date, memo: inv.name, key: xid, sessionId });
			const [after] = await client.call<InvoiceRow[]>('account.move', 'read', { ids: [invoiceId], kwargs: { fields: INVOICE_FIELDS } });
			const json: IDataObject = { status: 'registered', paymentId, invoiceId, invoice: inv.name, amount, journalId, paymentDate: date, paymentState: after.payment_state, residual: after.amount_residual };
			if (sessionId) json.sessionId = sessionId;
			if (key) json.idempotencyKey = key;
			out.push(ok(json, i));
		} catch (error) {
			const item = failItem(this, error, i);
			// What it was about, for a flow's waiting list.
			const about = String(this.getNodeParameter('idempotencyKey', i, '') ?? '').trim();
			if (about) item.json.idempotencyKey = about;
			out.push(item);
		}
	}
	return out;
}
