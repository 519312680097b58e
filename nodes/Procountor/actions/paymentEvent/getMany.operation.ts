import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem as fail, ok } from '../../../shared/items';
import { idParam } from '../../helpers/operation';
import type { ProcountorClient } from '../../transport';

export const description = updateDisplayOptions({ show: { resource: ['paymentEvent'], operation: ['getMany'] } }, [
	{
		displayName: 'Invoice ID',
		name: 'invoiceId',
		type: 'string',
		default: '={{ $json.procountorInvoiceId }}',
		required: true,
		description: 'Procountor invoice of each item; all items are asked in batches of 200',
	},
	{
		displayName: 'Only Payments',
		name: 'onlyPositive',
		type: 'boolean',
		default: true,
		description: 'Whether to leave out removals and other negative events (they are handled by hand)',
	},
] as INodeProperties[]);

/** One request per 200 invoices; each event is paired with the item of its invoice. */
export async function execute(this: IExecuteFunctions, client: ProcountorClient): Promise<INodeExecutionData[]> {
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
}
