import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { UnknownOutcomeError } from '../../../shared/http';
import { redactUrlUserinfo } from '../../../shared/redact';
import { failItem, ok, passOn } from '../../helpers/items';
import { upsertRows } from '../../helpers/upsert';
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

const COUNTERS = ['created', 'updated', 'unchanged', 'archived', 'skipped', 'failed', 'sent', 'paid', 'closed'];

/** One readable line: Odoo escapes text posted over RPC, so no HTML. */
export function auditLine(r: IDataObject): string {
	const counters = COUNTERS.filter((c) => typeof r[c] === 'number').map((c) => `${c} ${r[c]}`);
	// What the flow could not finish and keeps trying (its Sync State), with the oldest item.
	const oldest = r.oldestWaiting as IDataObject | null | undefined;
	if (typeof r.waitingCount === 'number') counters.push(`waiting ${r.waitingCount}${r.waitingCount && oldest ? ` (oldest ${String(oldest.key)} since ${String(oldest.since).slice(0, 10)})` : ''}`);
	// Whose books: in a group, every company's runs post to the same channel.
	const company = r.company && typeof r.company === 'object' ? String((r.company as IDataObject).name ?? '') : '';
	const stores = Array.isArray(r.stores) && r.stores.length ? `stores ${r.stores.join(', ')}` : '';
	const parts = [`${company ? `${company}: ` : ''}${r.operation ?? 'Run'}: ${r.status ?? 'done'}`, counters.join(', '), stores, r.error ? `error: ${String(r.error)}` : '', String(r.timestamp ?? '')];
	return parts.filter(Boolean).join(' — ');
}

/**
 * message_post is not safe to repeat, so when its outcome is unknown (reset, timeout) the
 * channel is searched for the message — its timestamp makes it unique — before posting again.
 */
async function postOnce(client: OdooClient, model: string, channelId: number, body: string, marker: string, itemIndex: number): Promise<number> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await client.call<number>(model, 'message_post', { ids: [channelId], kwargs: { body, message_type: 'comment' }, itemIndex });
		} catch (error) {
			if (!(error instanceof UnknownOutcomeError) || attempt >= 3) throw passOn(client.node, error);
			const found = await client.call<number[]>('mail.message', 'search', {
				args: [[['model', '=', model], ['res_id', '=', channelId], ['body', 'ilike', marker]]],
				kwargs: { limit: 1 },
			});
			if (found.length) return found[0];
		}
	}
}

export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const channels = new Map<string, number>();
	const model = (await client.dialect()).channelModel;
	for (let i = 0; i < items.length; i++) {
		try {
			const name = String(this.getNodeParameter('channel', i)).trim();
			if (!name) throw new InputError('Channel Name is empty', 'channel');
			// A URL with a user name and password may sit in an error text of any step: never in the audit trail.
			const raw = this.getNodeParameter('record', i, '{}') as unknown;
			const record = parseObject(redactUrlUserinfo(typeof raw === 'string' ? raw : JSON.stringify(raw ?? {})), 'Audit Record (JSON)');
			record.timestamp ??= new Date().toISOString();
			// The company the run worked in, from the credential (not from what the record says).
			const company = await client.company();
			record.company = { id: company.id, name: company.name };
			let channelId = channels.get(name);
			if (!channelId) {
				const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'audit';
				const [o] = await upsertRows(client, model, [{ xid: `n8n_audit.channel_${slug}`, cells: { name, description: 'Runs of n8n integration workflows' } }], {
					skipUnchanged: true,
					itemIndex: i,
				});
				if (o.error) throw new InputError(`Odoo refused the audit channel: ${o.error}`, 'channel');
				channelId = o.id!;
				channels.set(name, channelId);
			}
			const messageId = await postOnce(client, model, channelId, auditLine(record), String(record.timestamp), i);
			out.push(ok({ ...record, auditChannelId: channelId, auditMessageId: messageId }, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
