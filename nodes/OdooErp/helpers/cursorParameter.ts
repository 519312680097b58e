/** The canonical export's cursor, kept as an Odoo system parameter (one per cursor key). */
import type { OdooClient } from '../transport';
import { passOn } from './items';

/** The system parameter holding a canonical export cursor: in Odoo, so manual runs and every queue worker see the same one. */
export const cursorParameter = (key: string): string => `n8n.${key}`;

/** The parameter's record, if it exists. */
async function findCursorParameter(client: OdooClient, key: string): Promise<{ id: number; value: string } | undefined> {
	const rows = await client.call<Array<{ id: number; value: string }>>('ir.config_parameter', 'search_read', { args: [[['key', '=', cursorParameter(key)]]], kwargs: { fields: ['value'], limit: 1 } });
	return rows[0];
}

export async function readCursorParameter(client: OdooClient, key: string): Promise<string | undefined> {
	return (await findCursorParameter(client, key))?.value;
}

/** Creates or updates the parameter; a create that lost a race with another execution becomes an update. */
export async function writeCursorParameter(client: OdooClient, key: string, value: string): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		const row = await findCursorParameter(client, key);
		if (row?.value === value) return;
		try {
			if (row) await client.call('ir.config_parameter', 'write', { ids: [row.id], args: [{ value }] });
			else await client.call('ir.config_parameter', 'create', { args: [{ key: cursorParameter(key), value }] });
			return;
		} catch (error) {
			if (attempt >= 2) throw passOn(client.node, error); // the key is unique in Odoo: look again, then write
		}
	}
}
