/**
 * Upserts rows keyed by external id through model.load, Odoo's own import: one call per batch
 * creates or updates atomically. With `skipUnchanged`, current values are read first and rows
 * that would change nothing are not written at all, so a re-run leaves write dates, chatter
 * and triggers untouched. Rows Odoo rejects are reported and the rest of the batch loaded again.
 */
import type { IDataObject } from 'n8n-workflow';
import type { OdooClient, OdooField } from '../transport';
import type { ExternalIdRow, LoadResult } from './interfaces';
import { chunk } from './utils';

export interface UpsertRow {
	/** Full external id, module.name. */
	xid: string;
	/** load columns → cells: `field`, `field/id` (external ids), `field/.id` (database ids). */
	cells: Record<string, string>;
}

export type UpsertAction = 'created' | 'updated' | 'unchanged';

export interface UpsertOutcome {
	xid: string;
	id?: number;
	action?: UpsertAction;
	/** The row set active = false on a record that was active. */
	archived?: boolean;
	error?: string;
	field?: string;
}

export interface UpsertOptions {
	skipUnchanged?: boolean;
	/** A field (e.g. vat, default_code): a new external id is first linked to an unlinked record with the same value. */
	matchBy?: string;
	batchSize?: number;
	itemIndex?: number;
}

const splitXid = (xid: string) => {
	const dot = xid.indexOf('.');
	return { module: xid.slice(0, dot), name: xid.slice(dot + 1) };
};

/** Database ids of external ids (any model), in one call per 5,000. */
export async function resolveXids(client: OdooClient, xids: Iterable<string>, model?: string): Promise<Map<string, number>> {
	const out = new Map<string, number>();
	const all = [...new Set(xids)].filter((x) => x.includes('.'));
	for (const part of chunk(all, 5000)) {
		const parts = part.map(splitXid);
		const domain: unknown[] = [
			['module', 'in', [...new Set(parts.map((p) => p.module))]],
			['name', 'in', [...new Set(parts.map((p) => p.name))]],
		];
		if (model) domain.unshift(['model', '=', model]);
		const rows = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', { args: [domain], kwargs: { fields: ['module', 'name', 'model', 'res_id'] } });
		const wanted = new Set(part);
		for (const r of rows) {
			const key = `${r.module}.${r.name}`;
			if (wanted.has(key)) out.set(key, r.res_id);
		}
	}
	return out;
}

export function sameNumber(a: number, b: number): boolean {
	return Math.abs(a - b) < 1e-9;
}

/** Whether a load cell already equals the record's current value. */
function cellEquals(column: string, cell: string, def: OdooField | undefined, current: unknown, refs: Map<string, number>): boolean {
	if (!def) return false;
	const [, sub] = column.split('/');
	const currentIds = (): number[] => {
		if (current === false || current === null || current === undefined) return [];
		if (Array.isArray(current)) return def.type === 'many2one' ? [current[0] as number] : (current as number[]);
		return [current as number];
	};
	if (sub === 'id' || sub === '.id') {
		const wanted = cell
			.split(',')
			.map((x) => x.trim())
			.filter(Boolean)
			.map((x) => (sub === 'id' ? refs.get(x) : Number(x)));
		if (wanted.some((x) => x === undefined)) return false;
		const have = currentIds();
		return wanted.length === have.length && wanted.every((x) => have.includes(x as number));
	}
	switch (def.type) {
		case 'float':
		case 'monetary':
		case 'integer':
			return cell !== '' && typeof current === 'number' && sameNumber(Number(cell), current);
		case 'boolean':
			return (cell === '1') === !!current;
		case 'many2one':
			return Array.isArray(current) ? current[1] === cell : cell === '' && !current;
		case 'many2many':
		case 'one2many':
			return false;
		default:
			return cell === '' ? current === false || current === '' : cell === current;
	}
}

export async function upsertRows(client: OdooClient, model: string, rows: UpsertRow[], opts: UpsertOptions = {}): Promise<UpsertOutcome[]> {
	const outcomes: UpsertOutcome[] = rows.map((r) => ({ xid: r.xid }));
	if (!rows.length) return outcomes;
	const existing = await resolveXids(client, rows.map((r) => r.xid), model);
	const fields = await client.fields(model);
	if (opts.matchBy) await linkExisting(client, model, rows, existing, opts.matchBy);

	// Decide what to write.
	const toLoad: number[] = [];
	const currentActive = new Map<number, boolean>();
	if (opts.skipUnchanged && existing.size) {
		const columns = new Set(rows.flatMap((r) => Object.keys(r.cells)));
		const readFields = [...new Set([...columns].map((c) => c.split('/')[0]).filter((f) => fields[f]))];
		const ids = [...new Set(rows.map((r) => existing.get(r.xid)).filter((x): x is number => x !== undefined))];
		const current = new Map<number, IDataObject>();
		for (const part of chunk(ids, 2000)) {
			for (const rec of await client.call<IDataObject[]>(model, 'read', { ids: part, kwargs: { fields: readFields } })) current.set(rec.id as number, rec);
		}
		const refXids = rows.flatMap((r) =>
			Object.entries(r.cells)
				.filter(([c]) => c.endsWith('/id'))
				.flatMap(([, v]) => v.split(',').map((x) => x.trim()).filter(Boolean)),
		);
		const refs = refXids.length ? await resolveXids(client, refXids) : new Map<string, number>();
		rows.forEach((r, k) => {
			const id = existing.get(r.xid);
			const rec = id !== undefined ? current.get(id) : undefined;
			if (!rec) {
				toLoad.push(k);
				return;
			}
			if (typeof rec.active === 'boolean') currentActive.set(id!, rec.active);
			const same = Object.entries(r.cells).every(([c, v]) => cellEquals(c, v, fields[c.split('/')[0]], rec[c.split('/')[0]], refs));
			if (same) outcomes[k] = { xid: r.xid, id, action: 'unchanged' };
			else toLoad.push(k);
		});
	} else {
		rows.forEach((_, k) => toLoad.push(k));
	}

	// Rows of one load call share their columns.
	const byColumns = new Map<string, number[]>();
	for (const k of toLoad) {
		const key = Object.keys(rows[k].cells).sort().join('\u0000');
		byColumns.set(key, [...(byColumns.get(key) ?? []), k]);
	}
	const seen = new Set(existing.keys());
	for (const [key, members] of byColumns) {
		const columns = key ? key.split('\u0000') : [];
		for (const batch of chunk(members, opts.batchSize ?? 1000)) {
			let pending = batch;
			while (pending.length) {
				const result = await client.call<LoadResult>(model, 'load', {
					args: [['id', ...columns], pending.map((k) => [rows[k].xid, ...columns.map((c) => rows[k].cells[c])])],
					idempotent: true,
					itemIndex: opts.itemIndex,
				});
				if (result.ids) {
					pending.forEach((k, n) => {
						const id = (result.ids as number[])[n];
						const wasActive = currentActive.get(id);
						outcomes[k] = {
							xid: rows[k].xid,
							id,
							action: seen.has(rows[k].xid) ? 'updated' : 'created',
							archived: rows[k].cells.active === '0' && wasActive === true ? true : undefined,
						};
						seen.add(rows[k].xid);
					});
					break;
				}
				const rejected = new Set<number>();
				for (const m of result.messages.filter((x) => x.type === 'error')) {
					const n = m.record ?? m.rows?.from ?? 0;
					const k = pending[n];
					if (k === undefined || rejected.has(n)) continue;
					rejected.add(n);
					outcomes[k] = { xid: rows[k].xid, error: m.message, field: m.field };
				}
				if (!rejected.size) {
					for (const k of pending) outcomes[k] = { xid: rows[k].xid, error: `Odoo refused the batch: ${JSON.stringify(result.messages).slice(0, 300)}` };
					break;
				}
				pending = pending.filter((_, n) => !rejected.has(n));
			}
		}
	}
	return outcomes;
}

/** Links new external ids to existing records with the same value of `field`, unless those are linked already. */
async function linkExisting(client: OdooClient, model: string, rows: UpsertRow[], existing: Map<string, number>, field: string): Promise<void> {
	const wanted = rows.filter((r) => !existing.has(r.xid) && r.cells[field]);
	if (!wanted.length) return;
	const values = [...new Set(wanted.map((r) => r.cells[field]))];
	const found = await client.call<IDataObject[]>(model, 'search_read', { args: [[[field, 'in', values]]], kwargs: { fields: [field], context: { active_test: false } } });
	if (!found.length) return;
	const modules = [...new Set(wanted.map((r) => splitXid(r.xid).module))];
	const linked = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
		args: [[['model', '=', model], ['module', 'in', modules], ['res_id', 'in', found.map((f) => f.id as number)]]],
		kwargs: { fields: ['res_id'] },
	});
	const taken = new Set(linked.map((l) => l.res_id));
	const links: IDataObject[] = [];
	for (const r of wanted) {
		const hit = found.find((f) => String(f[field]) === r.cells[field] && !taken.has(f.id as number));
		if (!hit) continue;
		taken.add(hit.id as number);
		links.push({ ...splitXid(r.xid), model, res_id: hit.id });
		existing.set(r.xid, hit.id as number);
	}
	if (links.length) await client.call('ir.model.data', 'create', { args: [links] });
}
