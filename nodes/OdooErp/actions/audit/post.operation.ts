import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { redactUrlUserinfo } from '../../../shared/redact';
import { postAudit } from '../../helpers/audit';
import { failItem, ok } from '../../helpers/items';
import { InputError, parseObject } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Channel Name',
		name: 'channel',
		type: 'string',
		default: 'Integration Audit',
		required: true,
		description: 'Discuss channel the record is posted in; created on first use',
	},
	{
		displayName: 'Audit Record (JSON)',
		name: 'record',
		type: 'json',
		default: '={{ JSON.stringify($json) }}',
		description:
			'The run\'s record: operation, status, counters (created, updated, unchanged, archived, failed...) and error. It is posted as one message and returned.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['audit'], operation: ['post'] } }, properties);

export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const channels = new Map<string, number>();
	for (let i = 0; i < items.length; i++) {
		try {
			const name = String(this.getNodeParameter('channel', i)).trim();
			if (!name) throw new InputError('Channel Name is empty', 'channel');
			// A URL with a user name and password may sit in an error text of any step: never in the audit trail.
			const raw = this.getNodeParameter('record', i, '{}') as unknown;
			const record = parseObject(redactUrlUserinfo(typeof raw === 'string' ? raw : JSON.stringify(raw ?? {})), 'Audit Record (JSON)');
			const { channelId, messageId } = await postAudit(client, name, record, i, channels);
			out.push(ok({ ...record, auditChannelId: channelId, auditMessageId: messageId }, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
