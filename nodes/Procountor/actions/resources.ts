/**
 * Procountor resources and operations. Each operation reads its own parameters per item,
 * pairs its output with the input item, and reports per-item errors.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { failItem as fail, ok, passOn } from '../../shared/items';
import { INVOICE_CHANNELS, type InvoiceChannel } from '../helpers/enums';
import {
	type SendOptions,
	type VatMapping,
	InputError,
	ensurePartner,
	ensureProducts,
	parseAccountingInvoice,
	procountorBody,
} from '../helpers/salesInvoice';
import type { ProcountorClient } from '../transport';
import { UnknownOutcomeError } from '../../shared/http';

export type Operation = (this: IExecuteFunctions, client: ProcountorClient) => Promise<INodeExecutionData[]>;

const show = (resource: string, operation: string[]) => ({ show: { resource: [resource], operation } });
function jsonParam(ctx: IExecuteFunctions, name: string, i: number): IDataObject {
	const v = ctx.getNodeParameter(name, i, '{}');
	if (typeof v === 'object' && v !== null) return v as IDataObject;
	let parsed: unknown;
	let why = '';
	try {
		parsed = JSON.parse(String(v || '{}')) as unknown;
	} catch (error) {
		why = (error as Error).message;
	}
	if (!why && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) why = 'not an object';
	if (why) throw new InputError(`${name} is not a JSON object: ${why}`, name);
	return parsed as IDataObject;
}

function idParam(ctx: IExecuteFunctions, name: string, i: number): number {
	const v = ctx.getNodeParameter(name, i);
	const n = Number(v);
	if (!Number.isInteger(n) || n <= 0) throw new InputError(`${name} "${String(v)}" is not a Procountor ID`, name);
	return n;
}

/** Runs `fn` for every item, collecting outputs and per-item errors. */
function perItem(fn: (this: IExecuteFunctions, client: ProcountorClient, i: number) => Promise<IDataObject | IDataObject[]>): Operation {
	return async function (client) {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				const r = await fn.call(this, client, i);
				for (const json of Array.isArray(r) ? r : [r]) out.push(ok(json, i));
			} catch (error) {
				out.push(fail(this, error, i));
			}
		}
		return out;
	};
}

const listProps = (resource: string): INodeProperties[] => [
	{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: true, description: 'Whether to return all results or only up to a given limit', displayOptions: show(resource, ['getMany']) },
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { resource: [resource], operation: ['getMany'], returnAll: [false] } },
	},
];

const limitOf = (ctx: IExecuteFunctions, i: number) => (ctx.getNodeParameter('returnAll', i, true) ? Infinity : (ctx.getNodeParameter('limit', i, 50) as number));

// ---- invoices -------------------------------------------------------------------------------

export const invoiceProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['invoice'] } },
		options: [
			{ name: 'Approve', value: 'approve', description: 'Approve an unfinished invoice', action: 'Approve an invoice' },
			{ name: 'Create', value: 'create', description: 'Create an unfinished invoice from a Procountor invoice body', action: 'Create an invoice' },
			{ name: 'Get', value: 'get', description: 'One invoice by its Procountor ID, with its rows and status', action: 'Get an invoice' },
			{ name: 'Get Many', value: 'getMany', description: 'Invoices by status and date range', action: 'Get many invoices' },
			{ name: 'Send', value: 'send', description: 'Send an approved invoice (once)', action: 'Send an invoice' },
			{
				name: 'Send Sales Invoice',
				value: 'sendSalesInvoice',
				description: 'Create, approve and send an accounting invoice exported by the Odoo node',
				action: 'Send a sales invoice',
			},
		],
		default: 'sendSalesInvoice',
	},
	{ displayName: 'Invoice ID', name: 'invoiceId', type: 'string', default: '', required: true, displayOptions: show('invoice', ['get', 'approve', 'send']) },
	{
		displayName: 'Invoice (JSON)',
		name: 'invoice',
		type: 'json',
		default: '={{ JSON.stringify($json) }}',
		description: 'For Create: a Procountor invoice body. For Send Sales Invoice: the accounting invoice from the Odoo node.',
		displayOptions: show('invoice', ['create', 'sendSalesInvoice']),
	},
	{
		displayName: 'VAT Mapping (JSON)',
		name: 'vatMapping',
		type: 'json',
		default: '{}',
		description: 'Odoo tax ID or name → {"vatPercent": 25.5, "vatStatus": 1}; the Procountor master-data template writes it to Odoo',
		displayOptions: show('invoice', ['sendSalesInvoice']),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show('invoice', ['sendSalesInvoice']),
		options: [
			{
				displayName: 'Create Missing Customers',
				name: 'createPartners',
				type: 'boolean',
				default: true,
				description: 'Whether to create a business partner not found by its recorded ID, business ID or VAT number',
			},
			{ displayName: 'Create Missing Products', name: 'createProducts', type: 'boolean', default: false, description: 'Whether to create products whose code is not in Procountor' },
			{ displayName: 'Default VAT Status', name: 'defaultStatus', type: 'number', default: 1, description: 'VAT status of rows without tax (read the codes with VAT → Get Default)' },
			{
				displayName: 'Fallback Channel',
				name: 'fallbackChannel',
				type: 'options',
				options: [
					{ name: 'Mail (Printed and Posted by Procountor)', value: 'MAIL' },
					{ name: 'No Sending', value: 'NO_SENDING' },
					{ name: 'Paper Invoice', value: 'PAPER_INVOICE' },
				],
				default: 'MAIL',
				description: 'With Invoice Channel "From the Customer": for customers with neither an e-invoice address nor an email (mail needs a full postal address)',
			},
			{
				displayName: 'Invoice Channel',
				name: 'channel',
				type: 'options',
				options: [
					{ name: 'Automatic (From the Customer)', value: 'auto', description: 'E-invoice when the customer has an e-invoice address and operator, else email when it has one, else the fallback below' },
					{ name: 'E-Invoice', value: 'ELECTRONIC_INVOICE', description: "To the customer's e-invoice address (operator and address needed)" },
					{ name: 'EDIFACT', value: 'EDIFACT' },
					{ name: 'Email', value: 'EMAIL', description: "To the customer's email address" },
					{ name: 'Mail (Printed and Posted by Procountor)', value: 'MAIL' },
					{ name: 'No Sending', value: 'NO_SENDING', description: 'Marked as sent; delivered some other way' },
					{ name: 'Paper Invoice', value: 'PAPER_INVOICE' },
				],
				default: 'auto',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: [
					{ name: "Automatic (the Customer's, From Odoo)", value: 'auto' },
					{ name: 'Danish', value: 'DANISH' },
					{ name: 'English', value: 'ENGLISH' },
					{ name: 'Estonian', value: 'ESTONIAN' },
					{ name: 'Finnish', value: 'FINNISH' },
					{ name: 'Norwegian', value: 'NORWEGIAN' },
					{ name: 'Swedish', value: 'SWEDISH' },
				],
				default: 'auto',
			},
		],
	},
	{ displayName: 'Status', name: 'status', type: 'string', default: '', placeholder: 'e.g. SENT', displayOptions: show('invoice', ['getMany']) },
	{ displayName: 'Start Date', name: 'startDate', type: 'string', default: '', placeholder: 'e.g. 2026-11-01', displayOptions: show('invoice', ['getMany']) },
	{ displayName: 'End Date', name: 'endDate', type: 'string', default: '', placeholder: 'e.g. 2026-11-30', displayOptions: show('invoice', ['getMany']) },
	...listProps('invoice'),
];

export const invoiceOperations: Record<string, Operation> = {
	get: perItem(async function (client, i) {
		return await client.request('GET', `/invoices/${idParam(this, 'invoiceId', i)}`, { itemIndex: i });
	}),
	getMany: perItem(async function (client, i) {
		const qs: IDataObject = {};
		for (const f of ['status', 'startDate', 'endDate']) {
			const v = String(this.getNodeParameter(f, i, '') ?? '').trim();
			if (v) qs[f] = v;
		}
		return await client.getAll('/invoices', qs, limitOf(this, i), i);
	}),
	create: perItem(async function (client, i) {
		return await client.request('POST', '/invoices', { body: jsonParam(this, 'invoice', i), itemIndex: i });
	}),
	approve: perItem(async function (client, i) {
		const id = idParam(this, 'invoiceId', i);
		await client.request('PUT', `/invoices/${id}/approve`, { itemIndex: i });
		return { id, status: 'NOT_SENT' };
	}),
	send: perItem(async function (client, i) {
		const id = idParam(this, 'invoiceId', i);
		await client.request('PUT', `/invoices/${id}/send`, { itemIndex: i });
		return { id, status: 'SENT' };
	}),
	sendSalesInvoice: async function (client) {
		const out: INodeExecutionData[] = [];
		const productIds = new Map<string, number>();
		// A customer on several invoices of this run is looked up (or created) once.
		const partners = new Map<number, IDataObject>();
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				if (!Object.keys(this.getInputData()[i].json).length) continue; // nothing to send ("Always Output Data" upstream)
				const inv = parseAccountingInvoice(jsonParam(this, 'invoice', i));
				const mapping = jsonParam(this, 'vatMapping', i) as unknown as VatMapping;
				const o = this.getNodeParameter('options', i, {}) as IDataObject;
				const channel = String(o.channel ?? 'auto');
				const fallback = String(o.fallbackChannel ?? 'MAIL');
				if (channel !== 'auto' && !(INVOICE_CHANNELS as readonly string[]).includes(channel)) throw new InputError(`Invoice Channel "${channel}" is not one of ${INVOICE_CHANNELS.join(', ')}`, 'channel');
				if (!(INVOICE_CHANNELS as readonly string[]).includes(fallback)) throw new InputError(`Fallback Channel "${fallback}" is not one of ${INVOICE_CHANNELS.join(', ')}`, 'fallbackChannel');
				// Everything about the invoice is checked before anything is created in Procountor.
				const opts = { channel: channel as SendOptions['channel'], fallback: fallback as InvoiceChannel, language: String(o.language ?? 'auto'), defaultStatus: Number(o.defaultStatus ?? 1) };
				procountorBody(inv, { name: inv.partner.name }, productIds, mapping, opts);
				const partner = partners.get(inv.partner.odooId) ?? (await ensurePartner(client, inv, o.createPartners !== false, i));
				partners.set(inv.partner.odooId, partner);
				await ensureProducts(client, inv.lines, o.createProducts === true, productIds, i);
				const body = procountorBody(inv, partner, productIds, mapping, opts);
				// A resumed invoice (its first run stopped midway) may already be in Procountor.
				const earlier = inv.resumed ? await findSent(client, inv.number, inv.date, i) : undefined;
				const created = earlier ?? (await createInvoice(client, body, inv.number, inv.date, i));
				const id = Number(created.id);
				// From here the invoice exists: report its id even if approving or sending fails.
				try {
					// Just created: known to be UNFINISHED, no need to ask.
					await advance(client, id, i, earlier ? undefined : String(created.status ?? '') || undefined);
				} catch (error) {
					throw new NodeOperationError(this.getNode(), `Item ${i}: invoice ${inv.number} was created in Procountor as ${id} but not sent: ${(error as Error).message}`, {
						itemIndex: i,
						description: `Approve and send invoice ${id} in Procountor by hand.`,
					});
				}
				out.push(
					ok(
						{
							odooId: inv.odooId,
							number: inv.number,
							kind: inv.kind,
							procountorInvoiceId: id,
							procountorPartnerId: Number(partner.id),
							odooPartnerId: inv.partner.odooId,
							status: 'SENT',
							totalAmount: created.totalAmount ?? null,
							amountTotal: inv.amountTotal,
						},
						i,
					),
				);
			} catch (error) {
				const item = fail(this, error, i);
				// The Odoo invoice it was about, for a flow's waiting list.
				const raw = this.getInputData()[i].json;
				if (raw.odooId !== undefined) Object.assign(item.json, { odooId: raw.odooId, number: raw.number ?? null });
				out.push(item);
			}
		}
		return out;
	},
};

/** A Procountor invoice made from this Odoo invoice earlier (its orderReference), e.g. by a run that lost an answer. */
async function findSent(client: ProcountorClient, number: string, date: string, itemIndex: number): Promise<IDataObject | undefined> {
	const same = await client.getAll('/invoices', { startDate: date, endDate: date }, Infinity, itemIndex);
	return same.find((x) => x.orderReference === number && x.status !== 'INVALIDATED');
}

/** POST /invoices; when the answer is lost, the invoice is looked for before creating again. */
async function createInvoice(client: ProcountorClient, body: IDataObject, number: string, date: string, itemIndex: number): Promise<IDataObject> {
	try {
		return await client.request('POST', '/invoices', { body, itemIndex });
	} catch (error) {
		if (!(error instanceof UnknownOutcomeError)) throw passOn(client.node, error);
		return (await findSent(client, number, date, itemIndex)) ?? (await client.request('POST', '/invoices', { body, itemIndex }));
	}
}

/** Approves and sends, from wherever the invoice is: each step is checked, so it is safe to repeat. */
async function advance(client: ProcountorClient, id: number, itemIndex: number, known?: string): Promise<void> {
	const status = async () => String((await client.request('GET', `/invoices/${id}`, { itemIndex })).status);
	let now = known ?? (await status());
	for (const [from, step] of [
		['UNFINISHED', 'approve'],
		['NOT_SENT', 'send'],
	] as const) {
		if (now !== from) continue;
		try {
			await client.request('PUT', `/invoices/${id}/${step}`, { itemIndex });
		} catch (error) {
			// A lost answer, or a step another run did: what counts is where the invoice is now.
			now = await status();
			if (now === from) throw passOn(client.node, error);
			continue;
		}
		now = step === 'approve' ? 'NOT_SENT' : 'SENT';
	}
	if (!['SENT', 'PAID', 'PARTLY_PAID', 'MARKED_PAID'].includes(now)) throw new InputError(`Procountor invoice ${id} is ${now}, not sent`, 'status');
}

// ---- business partners, products, payment events, VAT ----------------------------------------

export const partnerProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['businessPartner'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'A customer or supplier from a Procountor business partner body', action: 'Create a business partner' },
			{ name: 'Find by Business ID or VAT', value: 'find', description: 'Partners whose identifier (invoicingInfo.identifier) is this business ID or VAT number', action: 'Find business partners' },
			{ name: 'Get', value: 'get', description: 'One partner by its Procountor ID, in full', action: 'Get a business partner' },
			{ name: 'Get Many', value: 'getMany', description: 'Every partner, with its basic info (Get gives one in full)', action: 'Get many business partners' },
			{ name: 'Update', value: 'update', description: 'Change fields of a partner: read, merged and written back with its version', action: 'Update a business partner' },
		],
		default: 'getMany',
	},
	{ displayName: 'Partner ID', name: 'partnerId', type: 'string', default: '', required: true, displayOptions: show('businessPartner', ['get', 'update']) },
	{ displayName: 'Business ID or VAT Number', name: 'registryCode', type: 'string', default: '', required: true, placeholder: 'e.g. 2345678-9', displayOptions: show('businessPartner', ['find']) },
	{ displayName: 'Partner (JSON)', name: 'partner', type: 'json', default: '{}', displayOptions: show('businessPartner', ['create', 'update']) },
	...listProps('businessPartner'),
];

export const partnerOperations: Record<string, Operation> = {
	get: perItem(async function (client, i) {
		return await client.request('GET', `/businesspartners/${idParam(this, 'partnerId', i)}`, { itemIndex: i });
	}),
	getMany: perItem(async function (client, i) {
		return await client.getAll('/businesspartners', {}, limitOf(this, i), i);
	}),
	create: perItem(async function (client, i) {
		return await client.request('POST', '/businesspartners', { body: jsonParam(this, 'partner', i), itemIndex: i });
	}),
	update: perItem(async function (client, i) {
		// Procountor replaces a partner with PUT and its current version: read, merge the changes, write.
		const id = idParam(this, 'partnerId', i);
		const changes = jsonParam(this, 'partner', i);
		const current = await client.request('GET', `/businesspartners/${id}`, { itemIndex: i });
		const merged: IDataObject = { ...current };
		for (const [k, v] of Object.entries(changes)) {
			const before = current[k];
			merged[k] = v && typeof v === 'object' && !Array.isArray(v) && before && typeof before === 'object' && !Array.isArray(before) ? { ...(before as IDataObject), ...(v as IDataObject) } : v;
		}
		merged.version = current.version;
		return await client.request('PUT', `/businesspartners/${id}`, { body: merged, itemIndex: i, idempotent: true });
	}),
	find: perItem(async function (client, i) {
		const norm = (v: unknown) => String(v ?? '').replace(/[\s-]/g, '').toUpperCase();
		const raw = String(this.getNodeParameter('registryCode', i) ?? '').trim();
		if (!raw) throw new InputError('Business ID or VAT Number is empty', 'registryCode');
		// Procountor searches identifiers given in a header; the match is checked again here.
		const found = await client.getAll('/businesspartners', {}, Infinity, i, { identifier: raw });
		return found.filter((b) => norm((b.invoicingInfo as IDataObject | undefined)?.identifier) === norm(raw));
	}),
};

export const productProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['product'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'A product with its price, unit and VAT', action: 'Create a product' },
			{ name: 'Get', value: 'get', description: 'One product by its Procountor ID, with its version', action: 'Get a product' },
			{ name: 'Get Many', value: 'getMany', description: 'The company\'s products', action: 'Get many products' },
			{ name: 'Update', value: 'update', description: 'Replace a product; give its current version', action: 'Update a product' },
		],
		default: 'getMany',
	},
	{ displayName: 'Product ID', name: 'productId', type: 'string', default: '', required: true, displayOptions: show('product', ['get', 'update']) },
	{ displayName: 'Product (JSON)', name: 'product', type: 'json', default: '{}', displayOptions: show('product', ['create', 'update']) },
	{ displayName: 'Code', name: 'code', type: 'string', default: '', description: 'Only the product with this code', displayOptions: show('product', ['getMany']) },
	...listProps('product'),
];

export const productOperations: Record<string, Operation> = {
	get: perItem(async function (client, i) {
		return await client.request('GET', `/products/${idParam(this, 'productId', i)}`, { itemIndex: i });
	}),
	getMany: perItem(async function (client, i) {
		const code = String(this.getNodeParameter('code', i, '') ?? '').trim();
		return await client.getAll('/products', { type: 'SALES', ...(code ? { code } : {}) }, limitOf(this, i), i);
	}),
	create: perItem(async function (client, i) {
		return await client.request('POST', '/products', { body: { type: 'SALES', ...jsonParam(this, 'product', i) }, itemIndex: i });
	}),
	update: perItem(async function (client, i) {
		return await client.request('PUT', `/products/${idParam(this, 'productId', i)}`, { body: jsonParam(this, 'product', i), itemIndex: i, idempotent: true });
	}),
};

export const paymentEventProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['paymentEvent'] } },
		options: [{ name: 'Get Many', value: 'getMany', description: 'Payment events of the input items\' invoices, 200 invoices per call', action: 'Get many payment events' }],
		default: 'getMany',
	},
	{
		displayName: 'Invoice ID',
		name: 'invoiceId',
		type: 'string',
		default: '={{ $json.procountorInvoiceId }}',
		required: true,
		description: 'Procountor invoice of each item; all items are asked in batches of 200',
		displayOptions: show('paymentEvent', ['getMany']),
	},
	{
		displayName: 'Only Payments',
		name: 'onlyPositive',
		type: 'boolean',
		default: true,
		description: 'Whether to leave out removals and other negative events (they are handled by hand)',
		displayOptions: show('paymentEvent', ['getMany']),
	},
];

/** One request per 200 invoices; each event is paired with the item of its invoice. */
export const paymentEventOperations: Record<string, Operation> = {
	getMany: async function (client) {
		const out: INodeExecutionData[] = [];
		const byInvoice = new Map<number, number[]>();
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				if (!Object.keys(this.getInputData()[i].json).length) continue;
				const id = idParam(this, 'invoiceId', i);
				byInvoice.set(id, [...(byInvoice.get(id) ?? []), i]);
			} catch (error) {
				out.push(fail(this, error, i));
			}
		}
		const onlyPositive = this.getNodeParameter('onlyPositive', 0, true) as boolean;
		const ids = [...byInvoice.keys()];
		for (let k = 0; k < ids.length; k += 200) {
			const part = ids.slice(k, k + 200);
			let events: IDataObject[];
			try {
				events = await client.getAll('/payments/paymentevents', { invoiceId: part.join(',') }, Infinity, byInvoice.get(part[0])![0]);
			} catch (error) {
				// Every invoice of the request failed: each says so, with its own item (and what it was about).
				for (const id of part) for (const i of byInvoice.get(id) ?? []) out.push({ json: { ...fail(this, error, i).json, invoiceId: id }, pairedItem: { item: i } });
				continue;
			}
			for (const ev of events) {
				if (onlyPositive && !(Number(ev.amount) > 0)) continue;
				for (const i of byInvoice.get(Number(ev.invoiceId)) ?? []) out.push(ok({ ...this.getInputData()[i].json, paymentEvent: ev }, i));
			}
		}
		return out;
	},
};

export const vatProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['vat'] } },
		options: [{ name: 'Get Default', value: 'getDefault', description: "The company's VAT percentages and VAT statuses", action: 'Get default VAT settings' }],
		default: 'getDefault',
	},
];

export const vatOperations: Record<string, Operation> = {
	getDefault: perItem(async function (client, i) {
		return await client.request('GET', '/vats/default', { itemIndex: i });
	}),
};

export function unsupported(ctx: IExecuteFunctions, resource: string, operation: string): never {
	throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
}
