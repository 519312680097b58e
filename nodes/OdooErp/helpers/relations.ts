/**
 * Field-by-field values with relations, without the user writing Odoo's command tuples: records
 * are named by database ID or external ID (module.name), and a many2many or one2many field is
 * set, added to, removed from, cleared, or given new or changed lines.
 */
import type { IDataObject } from 'n8n-workflow';
import type { OdooClient, OdooField } from '../transport';
import { resolveXids, sameNumber } from './upsert';
import { InputError, parseLiteral, toOdooValue } from './utils';

export type RelationOperation = 'set' | 'add' | 'remove' | 'clear' | 'createLines' | 'updateLine';

/** One row of Field by Field: the field, what to do with it (Set when not given) and the value. */
export interface FieldRow {
	name: string;
	value: unknown;
	edit?: RelationOperation;
}

const XID = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+$/;
const isX2many = (def: OdooField) => def.type === 'many2many' || def.type === 'one2many';
const isRelational = (def: OdooField) => def.type === 'many2one' || isX2many(def);

/** A reference to a record: a database ID, or an external ID to look up in `model`. */
type Ref = number | { xid: string; model: string; field: string };

/** Record references written as a list, a number, or text separated by commas. */
function parseRefs(value: unknown, model: string, field: string): Ref[] {
	const parts = Array.isArray(value) ? value : typeof value === 'number' ? [value] : String(value ?? '').split(',');
	return parts
		.map((p) => (typeof p === 'string' ? p.trim() : p))
		.filter((p) => p !== '' && p !== null && p !== undefined)
		.map((p) => {
			if (typeof p === 'number' || /^\d+$/.test(String(p))) {
				const n = Number(p);
				if (!Number.isInteger(n) || n <= 0) throw new InputError(`Field "${field}": "${String(p)}" is not a record ID`, field);
				return n;
			}
			if (!XID.test(String(p))) throw new InputError(`Field "${field}": "${String(p)}" is neither a record ID nor an external ID (module.name)`, field);
			return { xid: String(p), model, field };
		});
}

/** Line values for a one2many or many2many: JSON objects; their many2one fields may name records by external ID. */
function parseLines(value: unknown, field: string): IDataObject[] {
	const parsed = typeof value === 'string' ? parseLiteral(value, field) : value;
	const list = Array.isArray(parsed) ? parsed : [parsed];
	if (!list.length || list.some((l) => !l || typeof l !== 'object' || Array.isArray(l))) {
		throw new InputError(`Field "${field}" expects a JSON object of the line's fields, or a list of them`, field);
	}
	return list as IDataObject[];
}

/**
 * Odoo values for create/write from field rows. Several rows may edit one many2many or one2many
 * field: their commands are applied in order. External IDs are looked up once per model.
 */
export async function fieldRowsToValues(client: OdooClient, model: string, rows: FieldRow[]): Promise<IDataObject> {
	const fields = await client.fields(model);
	const refs: Ref[] = [];
	// Each row becomes a function of the resolved references, so all are resolved in one pass.
	const build: Array<(id: (r: Ref) => number, out: IDataObject) => void> = [];
	const commands = (out: IDataObject, name: string): unknown[] => ((out[name] ??= []) as unknown[]);

	for (const row of rows) {
		if (!row.name) throw new InputError('A field row has no field name', 'fieldValues');
		const def = fields[row.name];
		if (!def) throw new InputError(`Field "${row.name}" does not exist on model ${model}`, row.name);
		const op = row.edit ?? 'set';
		const name = row.name;
		if (!isRelational(def)) {
			if (op !== 'set') throw new InputError(`Field "${name}" is a ${def.type} field: only a relation can be added to, removed from, cleared or given lines`, name);
			const v = toOdooValue(name, def, row.value);
			build.push((_, out) => (out[name] = v as IDataObject[keyof IDataObject]));
			continue;
		}
		const rel = def.relation!;
		if (def.type === 'many2one') {
			if (op === 'clear' || (op === 'set' && (row.value === '' || row.value === null || row.value === undefined || row.value === false))) {
				build.push((_, out) => (out[name] = false));
				continue;
			}
			if (op !== 'set') throw new InputError(`Field "${name}" links one record: set it or clear it`, name);
			const [ref, ...more] = parseRefs(row.value, rel, name);
			if (more.length) throw new InputError(`Field "${name}" links one record, got ${more.length + 1}`, name);
			refs.push(ref);
			build.push((id, out) => (out[name] = id(ref)));
			continue;
		}
		// many2many / one2many
		let value = row.value;
		if (op === 'set' && typeof value === 'string' && value.trim().startsWith('[')) {
			value = parseLiteral(value, name);
			if (Array.isArray(value) && Array.isArray(value[0])) {
				// Odoo's own command tuples, for those who write them.
				const raw = value as unknown[];
				build.push((_, out) => commands(out, name).push(...raw));
				continue;
			}
		}
		switch (op) {
			case 'set':
			case 'add':
			case 'remove': {
				const list = op === 'set' && (value === '' || value === null || value === undefined) ? [] : parseRefs(value, rel, name);
				if (op !== 'set' && !list.length) throw new InputError(`Field "${name}": no record to ${op}`, name);
				refs.push(...list);
				build.push((id, out) => {
					const ids = list.map(id);
					if (op === 'set') commands(out, name).push([6, 0, ids]);
					// A line removed from a one2many is deleted, as in Odoo's form; a many2many only unlinks.
					else if (op === 'add') commands(out, name).push(...ids.map((x) => [4, x]));
					else commands(out, name).push(...ids.map((x) => (def.type === 'one2many' ? [2, x] : [3, x])));
				});
				break;
			}
			case 'clear':
				build.push((_, out) => commands(out, name).push([5]));
				break;
			case 'createLines':
			case 'updateLine': {
				const lines = parseLines(row.value, name);
				const lineFields = await client.fields(rel);
				const prepared = lines.map((line) => {
					let target: Ref | undefined;
					const vals: IDataObject = {};
					const inner: Array<[string, Ref]> = [];
					for (const [k, v] of Object.entries(line)) {
						if (op === 'updateLine' && k === 'id') {
							[target] = parseRefs(v as string | number, rel, name);
							continue;
						}
						const f = lineFields[k];
						if (!f) throw new InputError(`Field "${name}": its lines (${rel}) have no field "${k}"`, name);
						if (f.type === 'many2one' && typeof v === 'string' && v.trim() && !/^\d+$/.test(v.trim())) {
							const [r] = parseRefs(v, f.relation!, `${name}.${k}`);
							inner.push([k, r]);
						} else vals[k] = v;
					}
					if (op === 'updateLine' && target === undefined) throw new InputError(`Field "${name}": a line to change needs its "id" (a record ID or external ID)`, name);
					refs.push(...inner.map(([, r]) => r), ...(target !== undefined ? [target] : []));
					return { target, vals, inner };
				});
				build.push((id, out) => {
					for (const p of prepared) {
						const vals = { ...p.vals };
						for (const [k, r] of p.inner) vals[k] = id(r);
						commands(out, name).push(p.target === undefined ? [0, 0, vals] : [1, id(p.target), vals]);
					}
				});
				break;
			}
			default:
				throw new InputError(`Field "${name}": unknown operation "${String(op)}"`, name);
		}
	}

	// External IDs, one look-up per model; each must name a record of the field's model.
	const byModel = new Map<string, Set<string>>();
	for (const r of refs) if (typeof r !== 'number') byModel.set(r.model, (byModel.get(r.model) ?? new Set()).add(r.xid));
	const found = new Map<string, number>();
	for (const [m, xids] of byModel) for (const [x, id] of await resolveXids(client, xids, m)) found.set(`${m}|${x}`, id);
	const id = (r: Ref): number => {
		if (typeof r === 'number') return r;
		const v = found.get(`${r.model}|${r.xid}`);
		if (v === undefined) throw new InputError(`Field "${r.field}": no ${r.model} record has the external ID "${r.xid}"`, r.field.split('.')[0]);
		return v;
	};
	const out: IDataObject = {};
	for (const b of build) b(id, out);
	return out;
}

/**
 * Whether writing `value` (as create/write take it: an id, command tuples, a plain value) would
 * change a field whose current value `read` answered. When in doubt (new or changed lines, text
 * Odoo rewrites), it says yes: a write too many is safe, a write skipped is not.
 */
export function wouldChange(def: OdooField | undefined, current: unknown, value: unknown): boolean {
	if (!def) return true;
	const empty = (v: unknown) => v === false || v === null || v === undefined || v === '';
	switch (def.type) {
		case 'many2one': {
			const have = Array.isArray(current) ? (current[0] as number) : empty(current) ? false : current;
			const want = Array.isArray(value) ? (value[0] as number) : empty(value) ? false : value;
			return have !== want;
		}
		case 'many2many':
		case 'one2many': {
			const have = new Set(Array.isArray(current) ? (current as number[]) : []);
			let ids = new Set(have);
			const list = Array.isArray(value) ? value : empty(value) ? [[5]] : [value];
			if (list.every((x) => typeof x === 'number')) ids = new Set(list as number[]);
			else
				for (const cmd of list) {
					if (!Array.isArray(cmd)) return true;
					const [op, id, arg] = cmd as [number, number, unknown];
					if (op === 6) ids = new Set((arg as number[]) ?? []);
					else if (op === 4) ids.add(id);
					else if (op === 3 || op === 2) ids.delete(id);
					else if (op === 5) ids.clear();
					else return true; // lines created, changed or deleted
				}
			return ids.size !== have.size || [...ids].some((x) => !have.has(x));
		}
		case 'float':
		case 'monetary':
		case 'integer':
			return typeof current !== 'number' || typeof value !== 'number' || !sameNumber(current, value);
		case 'boolean':
			return !!current !== !!value;
		case 'char':
		case 'selection':
		case 'date':
		case 'text':
			return empty(current) ? !empty(value) : current !== value;
		default:
			return true;
	}
}
