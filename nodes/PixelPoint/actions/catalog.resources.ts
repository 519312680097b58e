/**
 * Stores, sale types, payment methods, categories and products share one shape: a list per
 * store (stores: per company) with Get and Get Many. One factory builds each resource's
 * properties and operations, so the five stay identical in behaviour.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { failItem, ok } from '../helpers/items';
import {
	normalizeCategory,
	normalizePaymentMethod,
	normalizeProduct,
	normalizeSaleType,
	normalizeStore,
	type PpStore,
} from '../helpers/model';
import { InputError, positiveInt, storeId, toCodeplusTime } from '../helpers/params';
import type { CodeplusClient } from '../transport';
import { allStores, limit, returnAll, storeLocator } from './common.descriptions';

export type Operation = (this: IExecuteFunctions, client: CodeplusClient) => Promise<INodeExecutionData[]>;

interface ListSpec {
	resource: string;
	label: string;
	plural: string;
	/** Path of the list under /stores/{id}, or '' for the company-level store list. */
	path: string;
	idField: string;
	normalize: (r: IDataObject, storeId: number) => IDataObject;
	/** Whether GET <list>/{id} exists; otherwise Get filters the list. */
	directGet: boolean;
	extra?: INodeProperties[];
}

export async function storesOf(client: CodeplusClient, itemIndex?: number): Promise<PpStore[]> {
	return (await client.getAll('/stores', {}, Infinity, itemIndex)).map(normalizeStore);
}

function build(spec: ListSpec) {
	const scoped = spec.path !== '';
	const show = (operation: string) => ({ show: { resource: [spec.resource], operation: [operation] } });
	const properties: INodeProperties[] = [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [spec.resource] } },
			options: [
				{
					name: 'Get',
					value: 'get',
					description: `One ${spec.label.toLowerCase()} by its ${spec.idField}${scoped ? ', in a store' : ''}`,
					action: `Get a ${spec.label.toLowerCase()}`,
				},
				{
					name: 'Get Many',
					value: 'getMany',
					description: scoped ? `The ${spec.plural.toLowerCase()} of a store, or of every store` : `Every ${spec.label.toLowerCase()} the Codeplus token sees`,
					action: `Get many ${spec.plural.toLowerCase()}`,
				},
			],
			default: 'getMany',
		},
		...(scoped ? [{ ...storeLocator, displayOptions: show('get') }] : []),
		{
			displayName: `${spec.label} Number`,
			name: 'recordId',
			type: 'string',
			default: '',
			required: true,
			description: `The ${spec.idField} to get`,
			displayOptions: show('get'),
		},
		...(scoped ? [{ ...allStores, displayOptions: show('getMany') }, { ...storeLocator, displayOptions: { show: { ...show('getMany').show, allStores: [false] } } }] : []),
		{ ...returnAll, displayOptions: show('getMany') },
		{ ...limit, displayOptions: { show: { ...show('getMany').show, returnAll: [false] } } },
		...(spec.extra ?? []).map((p) => ({ ...p, displayOptions: p.displayOptions ?? show('getMany') })),
	];

	const get: Operation = async function (client) {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				const id = positiveInt(this.getNodeParameter('recordId', i), `${spec.label} Number`);
				if (!scoped) {
					out.push(ok(normalizeStore(await client.get(`/stores/${id}`, {}, i)), i));
					continue;
				}
				const store = storeId(this, i);
				if (spec.directGet) {
					out.push(ok(spec.normalize(await client.get(`/stores/${store}${spec.path}/${id}`, {}, i), store), i));
					continue;
				}
				const row = (await client.getAll(`/stores/${store}${spec.path}`, {}, Infinity, i)).find((r) => Number(r[spec.idField]) === id);
				if (!row) throw new InputError(`Store ${store} has no ${spec.label.toLowerCase()} ${id}`, 'recordId');
				out.push(ok(spec.normalize(row, store), i));
			} catch (error) {
				out.push(failItem(this, error, i));
			}
		}
		return out;
	};

	const getMany: Operation = async function (client) {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				const max = this.getNodeParameter('returnAll', i, true) ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
				if (!scoped) {
					for (const s of (await storesOf(client, i)).slice(0, max)) out.push(ok(s, i));
					continue;
				}
				const qs: IDataObject = {};
				const stores = this.getNodeParameter('allStores', i, false) ? await storesOf(client, i) : undefined;
				const ids = stores ? stores.map((s) => s.StoreId) : [storeId(this, i)];
				let got = 0;
				for (const id of ids) {
					if (spec.resource === 'product') {
						const since = this.getNodeParameter('updatedSince', i, '') as string;
						const zone = stores?.find((s) => s.StoreId === id)?.TimeZone ?? 'UTC';
						if (since) qs.updatedSince = toCodeplusTime(since, 'Updated Since', zone);
					}
					const rows = await client.getAll(`/stores/${id}${spec.path}`, qs, max - got, i);
					for (const r of rows) out.push(ok(spec.normalize(r, id), i));
					got += rows.length;
					if (got >= max) break;
				}
			} catch (error) {
				out.push(failItem(this, error, i));
			}
		}
		return out;
	};

	return { properties, operations: { get, getMany } as Record<string, Operation> };
}

export const store = build({ resource: 'store', label: 'Store', plural: 'Stores', path: '', idField: 'StoreId', normalize: normalizeStore, directGet: true });
export const saleType = build({ resource: 'saleType', label: 'Sale Type', plural: 'Sale Types', path: '/saletypes', idField: 'SaleTypeNum', normalize: normalizeSaleType, directGet: false });
export const paymentMethod = build({
	resource: 'paymentMethod',
	label: 'Payment Method',
	plural: 'Payment Methods',
	path: '/paymentmethods',
	idField: 'MethodNum',
	normalize: normalizePaymentMethod,
	directGet: false,
});
export const category = build({ resource: 'category', label: 'Category', plural: 'Categories', path: '/categories', idField: 'CategoryNum', normalize: normalizeCategory, directGet: false });
export const product = build({
	resource: 'product',
	label: 'Product',
	plural: 'Products',
	path: '/products',
	idField: 'ProdNum',
	normalize: normalizeProduct,
	directGet: true,
	extra: [
		{
			displayName: 'Updated Since',
			name: 'updatedSince',
			type: 'string',
			default: '',
			placeholder: 'e.g. 2026-11-01 or 2026-11-01T06:00:00+02:00',
			description: 'Only products changed since then; a time without offset is read in the store\'s time zone',
		},
	],
});
