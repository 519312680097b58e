import { NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { storesOf } from './actions/catalog.resources';
import { attachProducts } from './actions/invoice/Invoice.resource';
import { normalizeInvoice, type PpInvoice } from './helpers/model';
import { listSearch, loadOptions } from './methods';
import { CodeplusClient } from './transport';

/**
 * Per store: the newest CloseTime delivered and the transactions delivered at that instant.
 * The next poll asks from that CloseTime (included) and skips those, so an invoice closed in
 * the same second is neither lost nor sent twice, whatever the page boundaries.
 */
interface StoreCursor {
	closeTime: string;
	seen: number[];
}

export class PixelPointTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PixelPoint Trigger',
		name: 'pixelPointTrigger',
		subtitle: '={{"New invoices of " + ($parameter["stores"] && $parameter["stores"].length ? $parameter["stores"].length + " store(s)" : "every active store")}}',
		icon: { light: 'file:pixelpoint.svg', dark: 'file:pixelpoint.dark.svg' },
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow when PixelPoint stores close new invoices',
		defaults: { name: 'PixelPoint Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'codeplusApi', required: true }],
		properties: [
			{
				displayName: 'Store Names or IDs',
				name: 'stores',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getStores' },
				default: [],
				description: 'Stores to watch; none watches every active store. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Closed', value: 'CLOSED' },
					{ name: 'Refund', value: 'REFUND' },
					{ name: 'Void', value: 'VOID' },
				],
				default: ['CLOSED', 'REFUND', 'VOID'],
			},
			{
				displayName: 'Attach Product Details',
				name: 'attachProducts',
				type: 'boolean',
				default: false,
				description: 'Whether to add the full product record of every ProdNum the invoices mention (as Products)',
			},
		],
	};

	methods = { listSearch, loadOptions };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const client = await CodeplusClient.fromContext(this);
		const wanted = ((this.getNodeParameter('stores', []) as Array<number | string>) ?? []).map(Number);
		const statuses = new Set((this.getNodeParameter('statuses', []) as string[]) ?? []);
		const attach = this.getNodeParameter('attachProducts', false) as boolean;
		const stores = (await storesOf(client)).filter((s) => (wanted.length ? wanted.includes(s.StoreId) : s.Active));
		const state = this.getWorkflowStaticData('node') as { cursors?: Record<string, StoreCursor> };
		const cursors = (state.cursors ??= {});
		const manual = this.getMode() === 'manual';
		// Far enough ahead that clock differences with Codeplus never hide an invoice.
		const to = DateTime.utc().plus({ days: 1 }).toISO({ suppressMilliseconds: true })!;
		const fresh: PpInvoice[] = [];
		// Cursors move only once every store was read: a poll that fails midway delivers nothing, so it moves nothing.
		const next: Record<string, StoreCursor> = {};

		for (const store of stores) {
			const cursor = cursors[store.StoreId];
			if (!cursor && !manual) {
				// First poll after activation: start now, deliver nothing old.
				next[store.StoreId] = { closeTime: DateTime.utc().toISO({ suppressMilliseconds: true })!, seen: [] };
				continue;
			}
			const from = cursor?.closeTime ?? DateTime.utc().minus({ days: 1 }).toISO({ suppressMilliseconds: true })!;
			const rows = (await client.getAll(`/stores/${store.StoreId}/invoices`, { from, to })).map(normalizeInvoice);
			const seen = new Set(cursor?.seen ?? []);
			const news = rows.filter((inv) => !(inv.CloseTime && Date.parse(inv.CloseTime) === Date.parse(from) && seen.has(inv.TransactNum)));
			if (manual) {
				// A sample for building the workflow; cursors do not move.
				fresh.push(...news.filter((inv) => statuses.has(inv.Status)).slice(-1));
				continue;
			}
			if (!news.length) continue;
			const last = news.reduce((a, b) => (Date.parse(b.CloseTime) > Date.parse(a.CloseTime) ? b : a));
			const lastMs = Date.parse(last.CloseTime);
			const atLast = news.filter((inv) => Date.parse(inv.CloseTime) === lastMs).map((inv) => inv.TransactNum);
			next[store.StoreId] = {
				closeTime: last.CloseTime,
				seen: lastMs === Date.parse(from) ? [...seen, ...atLast] : atLast,
			};
			const delivered = news.filter((inv) => statuses.has(inv.Status));
			if (attach && delivered.length) await attachProducts(client, store.StoreId, delivered, 0);
			fresh.push(...delivered);
		}
		Object.assign(cursors, next);
		if (!fresh.length) return null;
		return [this.helpers.returnJsonArray(fresh as IDataObject[])];
	}
}
