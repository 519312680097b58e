import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { storesOf } from '../actions/catalog.resources';
import { CodeplusClient } from '../transport';

export const listSearch = {
	async searchStores(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		const stores = await storesOf(await CodeplusClient.fromContext(this));
		const f = (filter ?? '').toLowerCase();
		return {
			results: stores
				.filter((s) => !f || s.StoreName.toLowerCase().includes(f) || String(s.StoreId) === f)
				.map((s) => ({ name: `${s.StoreName} (${s.StoreId})${s.Active ? '' : ' – inactive'}`, value: String(s.StoreId) })),
		};
	},
};

export const loadOptions = {
	async getStores(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const stores = await storesOf(await CodeplusClient.fromContext(this));
		return stores.map((s) => ({ name: `${s.StoreName} (${s.StoreId})`, value: s.StoreId }));
	},
};
