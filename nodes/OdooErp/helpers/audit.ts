/** The audit trail: one readable line per run or event, posted once in a Discuss channel of the company. */
import type { IDataObject } from 'n8n-workflow';
import { UnknownOutcomeError } from '../../shared/http';
import type { OdooClient } from '../transport';
import { passOn } from './items';
import { upsertRows } from './upsert';
import { InputError } from './utils';

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
	const parts = [`${company ? `${company}: ` : ''}${r.operation ?? 'Run'}: ${r.status ?? 'done'}`, counters.join(', '), stores, typeof r.detail === 'string' ? r.detail : '', r.error ? `error: ${String(r.error)}` : '', String(r.timestamp ?? '')];
	return parts.filter(Boolean).join(' — ');
}

/**
 * message_post is not safe to repeat, so when its outcome is unknown (reset, timeout) the
 * channel is searched for the message — its timestamp makes it unique — before posting again.
 */
export async function postOnce(client: OdooClient, model: string, channelId: number, body: string, marker: string, itemIndex: number, html = false, attachmentIds: number[] = []): Promise<number> {
	for (let attempt = 0; ; attempt++) {
		try {
			// body_is_html (Odoo 17+): a text given over RPC is escaped unless it says it is HTML; Odoo sanitizes it.
			const extra = { ...(html ? { body_is_html: true } : {}), ...(attachmentIds.length ? { attachment_ids: attachmentIds } : {}) };
			return await client.call<number>(model, 'message_post', { ids: [channelId], kwargs: { body, message_type: 'comment', ...extra }, itemIndex });
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

/** Files a record carries ({name, mimetype, text}: a report's chart), made attachments of the channel first. */
async function attach(client: OdooClient, model: string, channelId: number, files: unknown, itemIndex: number): Promise<number[]> {
	if (!Array.isArray(files) || !files.length) return [];
	const rows = (files as IDataObject[]).map((f, k) => {
		if (typeof f?.name !== 'string' || typeof f.text !== 'string') throw new InputError(`Audit Record (JSON): attachments[${k}] needs a name and a text`, 'record');
		return { name: f.name, mimetype: String(f.mimetype ?? 'text/plain'), datas: Buffer.from(f.text, 'utf8').toString('base64'), res_model: model, res_id: channelId };
	});
	const ids = await client.call<number[] | number>('ir.attachment', 'create', { args: [rows], itemIndex });
	return Array.isArray(ids) ? ids : [ids];
}

/** The channel by name, created on first use (keyed by an external ID, so two runs make one). */
export async function auditChannel(client: OdooClient, name: string, itemIndex: number): Promise<number> {
	const model = (await client.dialect()).channelModel;
	const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'audit';
	const [o] = await upsertRows(client, model, [{ xid: `n8n_audit.channel_${slug}`, cells: { name, description: 'Runs of n8n integration workflows' } }], {
		skipUnchanged: true,
		itemIndex,
	});
	if (o.error) throw new InputError(`Odoo refused the audit channel: ${o.error}`, 'channel');
	return o.id!;
}

/** Posts one record in the channel, stamped with the company the credential works in; answers the channel and message. */
export async function postAudit(
	client: OdooClient,
	channelName: string,
	record: IDataObject,
	itemIndex: number,
	channels?: Map<string, number>,
): Promise<{ channelId: number; messageId: number; alreadyPosted?: boolean }> {
	record.timestamp ??= new Date().toISOString();
	// The company the run worked in, from the credential (not from what the record says).
	const company = await client.company();
	record.company = { id: company.id, name: company.name };
	let channelId = channels?.get(channelName);
	if (!channelId) {
		channelId = await auditChannel(client, channelName, itemIndex);
		channels?.set(channelName, channelId);
	}
	const model = (await client.dialect()).channelModel;
	// A record saying what an earlier one said (same key: a report unchanged) is not posted again;
	// the key is read from Odoo's messages, so manual runs, schedules and workers agree.
	const key = typeof record.postOnceKey === 'string' && /^[A-Za-z0-9_-]{4,64}$/.test(record.postOnceKey) ? `#${record.postOnceKey}` : undefined;
	if (key) {
		const [earlier] = await client.call<number[]>('mail.message', 'search', { args: [[['model', '=', model], ['res_id', '=', channelId], ['body', 'ilike', key]]], kwargs: { limit: 1 }, itemIndex });
		if (earlier) return { channelId, messageId: earlier, alreadyPosted: true };
	}
	// A record with its own HTML (a report's table) is posted as such, stamped so a lost answer finds it.
	const stamp = `${String(record.timestamp)}${key ? ` ${key}` : ''}`;
	const html = typeof record.html === 'string' && record.html ? `${record.html}<p><small>${stamp}</small></p>` : undefined;
	const attachmentIds = await attach(client, model, channelId, record.attachments, itemIndex);
	const messageId = await postOnce(client, model, channelId, html ?? `${auditLine(record)}${key ? ` ${key}` : ''}`, String(record.timestamp), itemIndex, html !== undefined, attachmentIds);
	return { channelId, messageId };
}
