import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { perItem } from '../../helpers/operation';
import { InputError } from '../../helpers/salesInvoice';

export const description = updateDisplayOptions({ show: { resource: ['businessPartner'], operation: ['find'] } }, [
	{ displayName: 'Business ID or VAT Number', name: 'registryCode', type: 'string', default: '', required: true, placeholder: 'e.g. 2345678-9' },
] as INodeProperties[]);

export const execute = perItem(async function (client, i) {
	const norm = (v: unknown) => String(v ?? '').replace(/[\s-]/g, '').toUpperCase();
	const raw = String(this.getNodeParameter('registryCode', i) ?? '').trim();
	if (!raw) throw new InputError('Business ID or VAT Number is empty', 'registryCode');
	// Procountor searches identifiers given in a header; the match is checked again here.
	const found = await client.getAll('/businesspartners', {}, Infinity, i, { identifier: raw });
	return found.filter((b) => norm((b.invoicingInfo as IDataObject | undefined)?.identifier) === norm(raw));
});
