import { NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { ProcountorClient } from './transport';

/**
 * New positive payment events on watched invoices. Procountor lists events per invoice, so
 * the trigger watches the invoices given (e.g. those sent from Odoo) or, by default, every
 * sales invoice that is not fully paid, and keeps the ids of events already delivered.
 */
export class ProcountorTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Procountor Trigger',
		name: 'procountorTrigger',
		subtitle: '={{"Payments on invoices of the last " + $parameter["days"] + " days"}}',
		icon: { light: 'file:procountor.svg', dark: 'file:procountor.dark.svg' },
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow when payments are recorded on Procountor sales invoices',
		defaults: { name: 'Procountor Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'procountorApi', required: true }],
		properties: [
			{
				displayName: 'Look Back (Days)',
				name: 'days',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 90,
				description: 'Watch invoices dated this many days back',
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const client = await ProcountorClient.fromContext(this);
		const days = Number(this.getNodeParameter('days', 90));
		const startDate = new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
		const invoices = (await client.getAll('/invoices', { startDate })).filter((inv) => ['SENT', 'PARTLY_PAID', 'PAID', 'MARKED_PAID'].includes(String(inv.status)));
		const ids = invoices.map((inv) => Number(inv.id));
		const events: IDataObject[] = [];
		for (let k = 0; k < ids.length; k += 200) events.push(...(await client.getAll('/payments/paymentevents', { invoiceId: ids.slice(k, k + 200).join(',') })));
		const positive = events.filter((e) => Number(e.amount) > 0);
		const state = this.getWorkflowStaticData('node') as { seen?: number[] };
		if (this.getMode() === 'manual') return positive.length ? [this.helpers.returnJsonArray(positive.slice(-1))] : null;
		if (!state.seen) {
			// First poll after activation: remember what exists, deliver nothing old.
			state.seen = positive.map((e) => Number(e.id));
			return null;
		}
		const seen = new Set(state.seen);
		const fresh = positive.filter((e) => !seen.has(Number(e.id)));
		if (!fresh.length) return null;
		state.seen = [...seen, ...fresh.map((e) => Number(e.id))].slice(-50000);
		return [this.helpers.returnJsonArray(fresh)];
	}
}
