import { updateDisplayOptions } from 'n8n-workflow';
import { limitOf, listProperties, perItem } from '../../helpers/operation';

export const description = updateDisplayOptions({ show: { resource: ['businessPartner'], operation: ['getMany'] } }, listProperties);

export const execute = perItem(async function (client, i) {
	return await client.getAll('/businesspartners', {}, limitOf(this, i), i);
});
