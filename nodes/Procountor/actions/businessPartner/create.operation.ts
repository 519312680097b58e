import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { jsonParam, perItem } from '../../helpers/operation';

/** Partner (JSON), shown for Create and Update. */
export const description = updateDisplayOptions({ show: { resource: ['businessPartner'], operation: ['create', 'update'] } }, [
	{ displayName: 'Partner (JSON)', name: 'partner', type: 'json', default: '{}' },
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	return await client.request('POST', '/businesspartners', { body: jsonParam(this, 'partner', i), itemIndex: i });
});
