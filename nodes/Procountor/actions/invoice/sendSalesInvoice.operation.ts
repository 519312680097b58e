import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { UnknownOutcomeError } from '../../../shared/http';
import { failItem as fail, ok, passOn } from '../../../shared/items';
import { INVOICE_CHANNELS, type InvoiceChannel } from '../../helpers/enums';
import { jsonParam } from '../../helpers/operation';
import { type SendOptions, type VatMapping, InputError, ensurePartner, ensureProducts, parseAccountingInvoice, procountorBody } from '../../helpers/salesInvoice';
import type { ProcountorClient } from '../../transport';

/** Its Invoice (JSON) is Create's (create.operation.ts). */
export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['sendSalesInvoice'] } }, [
	{
		displayName: 'VAT Mapping (JSON)',
		name: 'vatMapping',
		type: 'json',
		default: '{}',
		description: 'Odoo tax ID or name → {"vatPercent": 25.5, "vatStatus": 1}; the Procountor master-data template writes it to Odoo',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
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
] as INodeProperties[]);

/**
 * An accounting invoice exported by the Odoo node, created, approved and sent once: everything
 * about it is checked first, its customer and products found or created, and a run that stopped
 * midway resumes where it was.
 */
export async function execute(this: IExecuteFunctions, client: ProcountorClient): Promise<INodeExecutionData[]> {
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
}

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
