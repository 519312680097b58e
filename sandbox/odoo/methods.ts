/** The ORM methods every model answers over RPC, including `load` (Odoo's CSV import). */
import { OdooError, typeError } from './errors';
import type { Database, Domain, Env, FieldDef, MethodDef, Rec } from './orm';

const fieldList = (v: unknown): string[] | undefined => (Array.isArray(v) ? (v as string[]) : undefined);

export function genericMethods(model: string): Record<string, MethodDef> {
	return {
		create: {
			onRecords: false,
			params: ['vals_list'],
			fn: (env, _ids, p) => {
				const v = p.vals_list;
				if (Array.isArray(v)) return v.map((vals) => env.db.create(env, model, vals as Record<string, unknown>).id);
				if (v && typeof v === 'object') return env.db.create(env, model, v as Record<string, unknown>).id;
				throw typeError('create() missing 1 required positional argument: \'vals_list\'');
			},
		},
		read: {
			onRecords: true,
			params: ['fields', 'load'],
			fn: (env, ids, p) => env.db.read(env, model, ids, fieldList(p.fields), p.load !== null && p.load !== false),
		},
		write: {
			onRecords: true,
			params: ['vals'],
			fn: (env, ids, p) => {
				env.db.write(env, model, ids, (p.vals as Record<string, unknown>) ?? {});
				return true;
			},
		},
		unlink: {
			onRecords: true,
			params: [],
			fn: (env, ids) => {
				env.db.unlink(env, model, ids);
				return true;
			},
		},
		exists: {
			onRecords: true,
			params: [],
			fn: (env, ids) => ids.filter((id) => env.db.table(model).has(id)),
		},
		search: {
			onRecords: false,
			params: ['domain', 'offset', 'limit', 'order', 'count'],
			fn: (env, _ids, p) => {
				const ids = env.db.search(env, model, (p.domain as Domain) ?? [], { offset: p.offset as number, limit: p.limit as number, order: p.order as string });
				return p.count ? ids.length : ids;
			},
		},
		search_read: {
			onRecords: false,
			params: ['domain', 'fields', 'offset', 'limit', 'order'],
			fn: (env, _ids, p) => {
				const ids = env.db.search(env, model, (p.domain as Domain) ?? [], { offset: p.offset as number, limit: p.limit as number, order: p.order as string });
				return env.db.read(env, model, ids, fieldList(p.fields), p.load !== null && p.load !== false);
			},
		},
		search_count: {
			onRecords: false,
			params: ['domain', 'limit'],
			fn: (env, _ids, p) => env.db.search(env, model, (p.domain as Domain) ?? [], { limit: p.limit as number }).length,
		},
		fields_get: {
			onRecords: false,
			params: ['allfields', 'attributes'],
			fn: (env, _ids, p) => fieldsGet(env.db, model, fieldList(p.allfields), fieldList(p.attributes)),
		},
		name_search: {
			onRecords: false,
			// Odoo 17 names the domain `args`, 18+ `domain`; both are accepted by keyword.
			params: ['name', 'args', 'operator', 'limit'],
			fn: (env, _ids, p) => {
				const name = String(p.name ?? '');
				const domain = ((p.args ?? p.domain) as Domain) ?? [];
				const operator = String(p.operator ?? 'ilike');
				const ids = env.db.search(env, model, domain, {});
				const out: Array<[number, string]> = [];
				const limit = p.limit === undefined ? 100 : (p.limit as number);
				for (const id of ids) {
					const rec = env.db.browse(model, id)!;
					const dn = env.db.displayName(env, model, rec);
					const hit = !name || matchName(dn, operator, name);
					if (hit) out.push([id, dn]);
					if (limit && out.length >= limit) break;
				}
				return out;
			},
		},
		default_get: {
			onRecords: false,
			params: ['fields_list'],
			fn: (env, _ids, p) => {
				const out: Record<string, unknown> = {};
				const m = env.db.model(model);
				for (const f of fieldList(p.fields_list) ?? []) {
					const d = env.db.own(m, f);
					if (!d || d.default === undefined) continue;
					out[f] = typeof d.default === 'function' ? (d.default as (e: Env, v: Record<string, unknown>) => unknown)(env, {}) : d.default;
				}
				return out;
			},
		},
		check_access_rights: { onRecords: false, params: ['operation', 'raise_exception'], fn: () => true },
		load: {
			onRecords: false,
			params: ['fields', 'data'],
			fn: (env, _ids, p) => load(env, model, (p.fields as string[]) ?? [], (p.data as unknown[][]) ?? []),
		},
	};
}

function matchName(dn: string, operator: string, name: string): boolean {
	const a = dn.toLowerCase();
	const b = name.toLowerCase();
	switch (operator) {
		case '=':
			return dn === name;
		case '=ilike':
			return a === b;
		case 'like':
			return dn.includes(name);
		case 'not ilike':
			return !a.includes(b);
		default:
			return a.includes(b);
	}
}

export function fieldsGet(db: Database, model: string, allfields?: string[], attributes?: string[]) {
	const names = allfields && allfields.length ? allfields : db.fieldNames(model);
	const out: Record<string, Record<string, unknown>> = {};
	for (const f of names) {
		const fd = db.fieldDef(model, f);
		if (!fd) continue;
		const d = fd.def;
		const full: Record<string, unknown> = {
			type: d.type,
			string: d.string,
			required: !!d.required,
			readonly: !!d.readonly || (!!d.compute && !d.inverse),
			store: !d.compute,
			searchable: true,
			sortable: !d.compute,
		};
		if (d.relation) full.relation = d.relation;
		if (d.selection) full.selection = d.selection.map((s) => [s, s]);
		out[f] = attributes && attributes.length ? Object.fromEntries(attributes.filter((a) => a in full).map((a) => [a, full[a]])) : full;
	}
	return out;
}

// ---- load -------------------------------------------------------------------------------

interface LoadMessage {
	rows: { from: number; to: number };
	type: 'error' | 'warning';
	record: number;
	field?: string;
	message: string;
	field_name?: string;
}

class ConvertError extends Error {
	constructor(
		message: string,
		readonly field: string,
		readonly fieldString: string,
	) {
		super(message);
	}
}

function xidIndex(db: Database): Map<string, Rec> {
	const idx = new Map<string, Rec>();
	for (const r of db.table('ir.model.data').values()) idx.set(`${r.module}.${r.name}`, r);
	return idx;
}

function splitXid(xid: string, module: string): [string, string] {
	const dot = xid.indexOf('.');
	return dot > 0 ? [xid.slice(0, dot), xid.slice(dot + 1)] : [module, xid];
}

function resolveRef(env: Env, idx: Map<string, Rec>, def: FieldDef, fieldString: string, field: string, sub: string, raw: string, module: string): number {
	const rel = def.relation!;
	if (sub === 'id') {
		const [mod, name] = splitXid(raw, module);
		const x = idx.get(`${mod}.${name}`);
		if (!x || x.model !== rel || !env.db.table(rel).has(x.res_id as number)) {
			throw new ConvertError(`No matching record found for external id '${raw}' in field '${fieldString}'`, field, fieldString);
		}
		return x.res_id as number;
	}
	if (sub === '.id') {
		const id = Number(raw);
		if (!Number.isInteger(id) || !env.db.table(rel).has(id)) {
			throw new ConvertError(`No matching record found for database id '${raw}' in field '${fieldString}'`, field, fieldString);
		}
		return id;
	}
	const hits = [...env.db.table(rel).values()].filter((r) => env.db.displayName(env, rel, r) === raw || r.name === raw);
	if (!hits.length) throw new ConvertError(`No matching record found for name '${raw}' in field '${fieldString}'`, field, fieldString);
	return hits[0].id;
}

function convertCell(env: Env, idx: Map<string, Rec>, model: string, column: string, cell: unknown, module: string): [string, unknown] {
	const [field, sub = ''] = column.split('/');
	const fd = env.db.fieldDef(model, field);
	if (!fd) throw new ConvertError(`Unknown field '${field}' on model '${model}'`, field, field);
	const def = fd.def;
	const fs = def.string;
	const raw = cell === null || cell === undefined || cell === false ? '' : typeof cell === 'string' ? cell : String(cell);
	if (raw === '') return [field, def.type === 'many2many' ? [[6, 0, []]] : false];
	switch (def.type) {
		case 'float':
		case 'monetary': {
			const n = Number(raw);
			if (raw.trim() === '' || Number.isNaN(n)) throw new ConvertError(`'${raw}' does not seem to be a number for field '${fs}'`, field, fs);
			return [field, n];
		}
		case 'integer': {
			const n = Number(raw);
			if (!Number.isInteger(n)) throw new ConvertError(`'${raw}' does not seem to be an integer for field '${fs}'`, field, fs);
			return [field, n];
		}
		case 'boolean': {
			const v = raw.toLowerCase();
			if (['1', 'true', 'yes'].includes(v)) return [field, true];
			if (['0', 'false', 'no'].includes(v)) return [field, false];
			throw new ConvertError(`Unknown value '${raw}' for boolean field '${fs}'`, field, fs);
		}
		case 'selection':
			if (def.selection && !def.selection.includes(raw)) throw new ConvertError(`Value '${raw}' not found in selection field '${fs}'`, field, fs);
			return [field, raw];
		case 'date':
			if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw new ConvertError(`'${raw}' does not seem to be a valid date for field '${fs}'`, field, fs);
			return [field, raw];
		case 'datetime':
			if (!/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(raw)) throw new ConvertError(`'${raw}' does not seem to be a valid datetime for field '${fs}'`, field, fs);
			return [field, raw];
		case 'many2one':
			return [field, resolveRef(env, idx, def, fs, field, sub, raw, module)];
		case 'many2many': {
			const ids = raw
				.split(',')
				.map((x) => x.trim())
				.filter(Boolean)
				.map((x) => resolveRef(env, idx, def, fs, field, sub, x, module));
			return [field, [[6, 0, ids]]];
		}
		case 'one2many':
			throw new ConvertError(`Importing one2many field '${fs}' is not supported by this server`, field, fs);
		default:
			return [field, raw];
	}
}

/**
 * model.load(fields, rows): the batched idempotent upsert of Odoo's import.
 * An existing external id updates its record, a new one creates and registers it;
 * any error returns `ids: false` with a message per failing row and writes nothing.
 */
export function load(env: Env, model: string, fields: string[], rows: unknown[][]) {
	const db = env.db;
	const m = db.model(model);
	const module = (env.context.module as string) || '__import__';
	const idCol = fields.indexOf('id');
	const messages: LoadMessage[] = [];
	const ids: number[] = [];
	const outcome = (() => {
		try {
			return db.savepoint(() => {
				const idx = xidIndex(db);
				rows.forEach((row, i) => {
					const vals: Record<string, unknown> = {};
					let xid: [string, string] | undefined;
					try {
						fields.forEach((col, c) => {
							if (c === idCol) {
								const raw = row[c] === null || row[c] === undefined || row[c] === false ? '' : String(row[c]);
								if (raw) xid = splitXid(raw, module);
								return;
							}
							if (col === '.id') return;
							const [f, v] = convertCell(env, idx, model, col, row[c], module);
							vals[f] = v;
						});
					} catch (e) {
						if (e instanceof ConvertError) {
							messages.push({ rows: { from: i, to: i }, type: 'error', record: i, field: e.field, message: e.message, field_name: e.fieldString });
							return;
						}
						throw e;
					}
					const dbIdCol = fields.indexOf('.id');
					try {
						let recId: number | undefined;
						const existing = xid ? idx.get(`${xid[0]}.${xid[1]}`) : undefined;
						if (existing && existing.model === model && db.table(model).has(existing.res_id as number)) recId = existing.res_id as number;
						else if (dbIdCol >= 0 && row[dbIdCol]) recId = Number(row[dbIdCol]);
						if (recId !== undefined) {
							db.write(env, model, [recId], vals);
						} else {
							if (existing) db.unlink(env, 'ir.model.data', [existing.id]); // dangling external id
							const rec = db.create(env, model, vals);
							recId = rec.id;
							if (xid) {
								if (m.inherits) {
									const parentXid = `${xid[1]}_${m.inherits.model.replace(/\./g, '_')}`;
									const px = db.create(env, 'ir.model.data', {
										module: xid[0],
										name: parentXid,
										model: m.inherits.model,
										res_id: rec[m.inherits.field],
									});
									idx.set(`${xid[0]}.${parentXid}`, px);
								}
								const x = db.create(env, 'ir.model.data', { module: xid[0], name: xid[1], model, res_id: rec.id });
								idx.set(`${xid[0]}.${xid[1]}`, x);
							}
						}
						ids.push(recId);
					} catch (e) {
						if (e instanceof OdooError) {
							messages.push({ rows: { from: i, to: i }, type: 'error', record: i, message: e.message });
							return;
						}
						throw e;
					}
				});
				if (messages.length) throw new LoadFailed();
				return true;
			});
		} catch (e) {
			if (e instanceof LoadFailed) return false;
			throw e;
		}
	})();
	return { ids: outcome ? ids : false, messages, nextrow: 0 };
}

class LoadFailed extends Error {}
