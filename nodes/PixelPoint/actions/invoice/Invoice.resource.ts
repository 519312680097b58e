import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { normalizeInvoice, normalizeProduct, type PpInvoice, type PpProduct } from '../../helpers/model';
import { positiveInt, storeId, toCodeplusTime } from '../../helpers/params';
import type { CodeplusClient } from '../../transport';
import type { Operation } from '../catalog.resources';
import { storesOf } from '../catalog.resources';
import { limit, returnAll, storeLocator } from '../common.descriptions';

const show = (operation: string) => ({ show: { resource: ['invoice'], operation: [operation] } });

const attachOption: INodeProperties = {
	displayName: 'Attach Product Details',
	name: 'attachProducts',
	type: 'boolean',
	default: false,
	description:
		'Whether to add the full product record of every ProdNum the invoices mention (as Products), so Odoo can create a product the catalogue pull missed',
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['invoice'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get an invoice by transaction number', action: 'Get an invoice' },
			{ name: 'Get Many', value: 'getMany', description: 'Get the invoices closed in a date range', action: 'Get many invoices' },
		],
		default: 'getMany',
	},
	{ ...storeLocator, displayOptions: { show: { resource: ['invoice'] } } },
	{
		displayName: 'Transaction Number',
		name: 'transactNum',
		type: 'string',
		default: '',
		required: true,
		displayOptions: show('get'),
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 2026-11-01 or 2026-11-01T06:00:00+02:00',
		description: "Start of the range (included), on CloseTime; a date is midnight in the store's time zone",
		displayOptions: show('getMany'),
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 2026-11-08',
		description: 'End of the range (excluded)',
		displayOptions: show('getMany'),
	},
	{ ...returnAll, displayOptions: show('getMany') },
	{ ...limit, displayOptions: { show: { ...show('getMany').show, returnAll: [false] } } },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['invoice'] } },
		options: [attachOption],
	},
];

/** Adds Products to each invoice: one catalogue read per store, single reads for what it lacks. */
export async function attachProducts(client: CodeplusClient, store: number, invoices: PpInvoice[], itemIndex: number): Promise<void> {
	const wanted = new Set(invoices.flatMap((inv) => inv.Lines.map((l) => l.ProdNum)));
	if (!wanted.size) return;
	const known = new Map<number, PpProduct>();
	for (const r of await client.getAll(`/stores/${store}/products`, {}, Infinity, itemIndex)) {
		const p = normalizeProduct(r, store);
		if (wanted.has(p.ProdNum)) known.set(p.ProdNum, p);
	}
	for (const num of wanted) {
		if (!known.has(num)) known.set(num, normalizeProduct(await client.get(`/stores/${store}/products/${num}`, {}, itemIndex), store));
	}
	for (const inv of invoices) {
		const nums = [...new Set(inv.Lines.map((l) => l.ProdNum))];
		inv.Products = nums.map((n) => known.get(n)!).filter(Boolean);
	}
}

const get: Operation = async function (this: IExecuteFunctions, client: CodeplusClient) {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < this.getInputData().length; i++) {
		try {
			const store = storeId(this, i);
			const num = positiveInt(this.getNodeParameter('transactNum', i), 'Transaction Number');
			const inv = normalizeInvoice(await client.get(`/stores/${store}/invoices/${num}`, {}, i));
			if ((this.getNodeParameter('options', i, {}) as IDataObject).attachProducts) await attachProducts(client, store, [inv], i);
			out.push(ok(inv, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
};

const getMany: Operation = async function (this: IExecuteFunctions, client: CodeplusClient) {
	const out: INodeExecutionData[] = [];
	let stores: Awaited<ReturnType<typeof storesOf>> | undefined;
	for (let i = 0; i < this.getInputData().length; i++) {
		let store: number | undefined;
		try {
			store = storeId(this, i);
			const rawFrom = this.getNodeParameter('from', i);
			const rawTo = this.getNodeParameter('to', i);
			// A time without offset is the store's local time: look its zone up once.
			const needsZone = [rawFrom, rawTo].some((v) => typeof v === 'string' && /T/.test(v) && !/([zZ]|[+-]\d{2}:?\d{2})$/.test(v.trim()));
			if (needsZone && !stores) stores = await storesOf(client, i);
			const zone = stores?.find((s) => s.StoreId === store)?.TimeZone ?? 'UTC';
			const from = toCodeplusTime(rawFrom, 'From', zone);
			const to = toCodeplusTime(rawTo, 'To', zone);
			const max = this.getNodeParameter('returnAll', i, true) ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
			const invoices = (await client.getAll(`/stores/${store}/invoices`, { from, to }, max, i)).map(normalizeInvoice);
			if ((this.getNodeParameter('options', i, {}) as IDataObject).attachProducts) await attachProducts(client, store, invoices, i);
			for (const inv of invoices) out.push(ok(inv, i));
		} catch (error) {
			// The failure names the store whose invoices were not read, so a flow knows whose cursor must stay.
			const item = failItem(this, error, i);
			if (store !== undefined) item.json.StoreId = store;
			out.push(item);
		}
	}
	return out;
};

export const operations: Record<string, Operation> = { get, getMany };
