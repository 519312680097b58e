import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';
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
			'The run\'s record: operation, status, counters (created, updated, unchanged, archived, failed...) and error. It is posted as one message and returned. When Odoo cannot take it, it is kept in the workflow and posted on the next run. With a postOnceKey, a record whose key the channel already shows is not posted again.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['audit'], operation: ['post'] } }, properties);

/**
 * Odoo's own refusal of a call it received (an exception it named, e.g. a ValidationError), not a
 * login refused or a server out of reach: not a reason to keep the record, which would block the rest.
 */
function refusedByOdoo(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const name = (error.errorResponse as { name?: unknown } | undefined)?.name;
	return typeof name === 'string' && /^(odoo|builtins)\./.test(name) && !/AccessDenied|SessionExpired/.test(name);
}

/** Records kept when Odoo could not take them, at most this many (the oldest go first). */
const KEEP_AT_MOST = 200;

interface KeptRecord {
	channel: string;
	record: IDataObject;
}

/**
 * Posts each record. When Odoo cannot take one (down, silent, the credential refused) the record is
 * kept in the workflow's static data, which n8n saves for scheduled runs, and posted first on the
 * next run: the run's error is reported by the step that met it, not again by its audit step.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const channels = new Map<string, number>();
	const state = this.getWorkflowStaticData('node') as { keptAuditRecords?: KeptRecord[]; droppedAuditRecords?: number };
	const kept = state.keptAuditRecords ?? [];
	let unavailable: Error | undefined;
	// Oldest first; the first failure leaves them for the next run.
	while (kept.length && !unavailable) {
		try {
			await postAudit(client, kept[0].channel, kept[0].record, 0, channels);
			kept.shift();
		} catch (error) {
			// Odoo answered and refused that record itself: keeping it would block every later one.
			if (error instanceof InputError || refusedByOdoo(error)) {
				kept.shift();
				state.droppedAuditRecords = (state.droppedAuditRecords ?? 0) + 1;
			} else unavailable = error as Error;
		}
	}
	for (let i = 0; i < items.length; i++) {
		let record: IDataObject | undefined;
		let name = '';
		try {
			name = String(this.getNodeParameter('channel', i)).trim();
			if (!name) throw new InputError('Channel Name is empty', 'channel');
			// A URL with a user name and password may sit in an error text of any step: never in the audit trail.
			const raw = this.getNodeParameter('record', i, '{}') as unknown;
			record = parseObject(redactUrlUserinfo(typeof raw === 'string' ? raw : JSON.stringify(raw ?? {})), 'Audit Record (JSON)');
			if (unavailable) throw unavailable;
			const { channelId, messageId, alreadyPosted } = await postAudit(client, name, record, i, channels);
			out.push(ok({ ...record, auditChannelId: channelId, auditMessageId: messageId, ...(alreadyPosted ? { auditAlreadyPosted: true } : {}) }, i));
		} catch (error) {
			if (!record || error instanceof InputError || refusedByOdoo(error)) {
				out.push(failItem(this, error, i));
				continue;
			}
			unavailable ??= error as Error;
			record.timestamp ??= new Date().toISOString();
			kept.push({ channel: name, record: { ...record } });
			if (kept.length > KEEP_AT_MOST) {
				kept.shift();
				state.droppedAuditRecords = (state.droppedAuditRecords ?? 0) + 1;
			}
			out.push(ok({ ...record, auditKept: kept.length, auditNotPosted: client.redact(unavailable.message) }, i));
		}
	}
	if (kept.length) state.keptAuditRecords = kept;
	else delete state.keptAuditRecords;
	return out;
}
