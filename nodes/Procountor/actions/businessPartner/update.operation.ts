import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { idParam, jsonParam, perItem } from '../../helpers/operation';

/** Its Partner ID is Get's, its Partner (JSON) Create's. */
export const description: INodeProperties[] = [];

export const execute = perItem(async function (client, i) {
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
});
