/**
 * Claims and markers as external IDs (ir.model.data): Odoo's unique index on (module, name) makes
 * one execution of several the owner of an invoice's export or a payment, whatever ran twice.
 */
import type { IDataObject } from 'n8n-workflow';
import { UnknownOutcomeError } from '../../shared/http';
import type { OdooClient } from '../transport';
import { passOn } from './items';
import { resolveXids } from './upsert';

/** Creates a claim (an external ID on Odoo's unique index); after a lost answer, one that now exists is ours. */
export async function createClaim(client: OdooClient, row: IDataObject): Promise<number> {
	try {
		return await client.call<number>('ir.model.data', 'create', { args: [row] });
	} catch (error) {
		if (!(error instanceof UnknownOutcomeError)) throw passOn(client.node, error);
		const [found] = await client.call<number[]>('ir.model.data', 'search', { args: [[['module', '=', row.module], ['name', '=', row.name]]] });
		if (found) return found;
		return await client.call<number>('ir.model.data', 'create', { args: [row] });
	}
}

/** Releases an invoice's claim and marks it to be resumed (retry_invoice_<id>) by Get for Export. */
export async function releaseClaim(client: OdooClient, ns: string, invoiceId: number): Promise<void> {
	const claims = await client.call<number[]>('ir.model.data', 'search', { args: [[['module', '=', ns], ['name', '=', `claim_invoice_${invoiceId}`]]] });
	await ensureXid(client, { module: ns, name: `retry_invoice_${invoiceId}`, model: 'account.move', res_id: invoiceId });
	if (claims.length) await client.call('ir.model.data', 'unlink', { ids: claims, idempotent: true });
}

/** Makes sure an external ID exists: whatever became of an earlier attempt, the end state is the same. */
export async function ensureXid(client: OdooClient, row: IDataObject): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		if ((await resolveXids(client, [`${row.module}.${row.name}`])).size) return;
		try {
			await client.call('ir.model.data', 'create', { args: [row] });
			return;
		} catch (error) {
			if (attempt >= 2) throw passOn(client.node, error);
		}
	}
}
