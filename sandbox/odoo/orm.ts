/**
 * A small in-memory ORM with the semantics of Odoo's that the connector relies on:
 * typed fields, many2one/one2many/many2many with x2many commands, `_inherits` delegation
 * (product.product → product.template), computed fields, prefix-notation domains with dotted
 * paths, `active_test`, ordering, and an undo log so one RPC call is all-or-nothing.
 */
import { OdooError, accessError, mandatoryFieldError, missingError, valueError } from './errors';

export type FieldType =
	| 'char'
	| 'text'
	| 'html'
	| 'integer'
	| 'float'
	| 'monetary'
	| 'boolean'
	| 'date'
	| 'datetime'
	| 'selection'
	| 'many2one'
	| 'one2many'
	| 'many2many'
	| 'json';

export interface Rec {
	id: number;
	[field: string]: unknown;
}

export interface Ctx {
	[key: string]: unknown;
}

export interface Env {
	db: Database;
	uid: number;
	context: Ctx;
	/**
	 * The active companies of a call over RPC (Odoo's env.companies: the context's
	 * allowed_company_ids, else the user's current company). Odoo's multi-company record rules
	 * apply to them: records of other companies are invisible, and writing one is refused. Undefined
	 * for the sandbox's own and the tests' direct access, which sees everything (Odoo's sudo).
	 */
	companies?: number[];
}

export interface FieldDef {
	type: FieldType;
	string: string;
	required?: boolean;
	readonly?: boolean;
	relation?: string;
	/** one2many: the many2one on the related model pointing back. */
	inverseName?: string;
	selection?: string[];
	default?: unknown | ((env: Env, vals: Record<string, unknown>) => unknown);
	/** Computed, not stored: evaluated on every read and search. */
	compute?: (env: Env, rec: Rec) => unknown;
	/** Setter of a computed field, run after the record is stored (an invoice's product lines). */
	inverse?: (env: Env, rec: Rec, value: unknown) => void;
	/** Field exists only on these Odoo versions. */
	versions?: [number, number];
	/** many2one: what happens to this record when the target is deleted. */
	ondelete?: 'cascade' | 'set null' | 'restrict';
	/**
	 * Computed, not stored and without a search method in Odoo: a domain on it is logged
	 * ("Non-stored field … cannot be searched") and ignored, so the leaf matches every record.
	 */
	unsearchable?: boolean;
}

/** A method's arguments by name: JSON-RPC positional args and kwargs, and JSON-2 bodies, all end up here. */
export type Params = Record<string, unknown>;
export type MethodFn = (env: Env, ids: number[], p: Params) => unknown;

export interface MethodDef {
	/** Called on records: the first positional argument is the list of ids. */
	onRecords: boolean;
	/** Parameter names in positional order (after the ids). */
	params: string[];
	fn: MethodFn;
	versions?: [number, number];
}

export interface ModelDef {
	name: string;
	description: string;
	fields: Record<string, FieldDef>;
	order?: string;
	/** `_inherits`: fields of `model` are reachable through the many2one `field`. */
	inherits?: { model: string; field: string };
	recName?: string;
	displayName?: (env: Env, rec: Rec) => string;
	methods?: Record<string, MethodDef>;
	/** Runs inside the call's transaction; throw to refuse. */
	beforeCreate?: (env: Env, vals: Record<string, unknown>) => void;
	afterCreate?: (env: Env, rec: Rec, vals: Record<string, unknown>) => void;
	beforeWrite?: (env: Env, recs: Rec[], vals: Record<string, unknown>) => void;
	afterWrite?: (env: Env, recs: Rec[], vals: Record<string, unknown>) => void;
	beforeUnlink?: (env: Env, recs: Rec[]) => void;
	/** Models are unreachable over RPC on versions outside this range. */
	versions?: [number, number];
}

export type Domain = unknown[];

const MAGIC = ['id', 'create_date', 'write_date', 'create_uid', 'write_uid', 'display_name'];

export function formatDatetime(d: Date): string {
	return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function formatDate(d: Date): string {
	return d.toISOString().slice(0, 10);
}

import { floatRound } from './taxes';

/** Odoo's float_round with a precision_rounding (the sandbox's own, not the package's). */
export const roundTo = (value: number, precision = 0.01): number => floatRound(value, precision);

export class Database {
	readonly models = new Map<string, ModelDef>();
	readonly tables = new Map<string, Map<number, Rec>>();
	private readonly sequences = new Map<string, number>();
	private undo: Array<() => void> | null = null;
	/** Unique indexes: model → (key of a record → its id), kept in step with inserts, updates and deletes. */
	private readonly unique = new Map<string, { key: (r: Rec) => string; map: Map<string, number> }>();
	/** Served Odoo major version: 16, 17, 18 or 19. */
	version = 17;
	/** The server's clock; tests may move it. */
	clock: () => Date = () => new Date();

	/** Methods every model answers (create, read, load...), supplied by methods.ts. */
	generic: (model: string) => Record<string, MethodDef> = () => ({});
	private genericCache = new Map<string, Record<string, MethodDef>>();

	method(model: string, name: string): MethodDef | undefined {
		const m = this.model(model);
		let generic = this.genericCache.get(model);
		if (!generic) this.genericCache.set(model, (generic = this.generic(model)));
		const d = (m.methods && Object.prototype.hasOwnProperty.call(m.methods, name) ? m.methods[name] : undefined) ?? (Object.prototype.hasOwnProperty.call(generic, name) ? generic[name] : undefined);
		if (d?.versions && (this.version < d.versions[0] || this.version > d.versions[1])) return undefined;
		return d;
	}

	/** Calls a model method from server code (not over RPC). */
	call(env: Env, model: string, name: string, ids: number[], p: Params): unknown {
		const d = this.method(model, name);
		if (!d) throw new OdooError('builtins.AttributeError', `The method '${name}' does not exist on the model '${model}'`);
		return d.fn(env, ids, p);
	}

	define(def: ModelDef): void {
		const fields: Record<string, FieldDef> = {
			create_date: { type: 'datetime', string: 'Created on', readonly: true },
			write_date: { type: 'datetime', string: 'Last Updated on', readonly: true },
			create_uid: { type: 'many2one', string: 'Created by', relation: 'res.users', readonly: true },
			write_uid: { type: 'many2one', string: 'Last Updated by', relation: 'res.users', readonly: true },
			...def.fields,
		};
		fields.display_name = { type: 'char', string: 'Display Name', readonly: true, compute: (env, rec) => this.displayName(env, def.name, rec) };
		this.models.set(def.name, { ...def, fields });
		this.tables.set(def.name, new Map());
		if (!this.sequences.has(def.name)) this.sequences.set(def.name, 1);
	}

	model(name: string): ModelDef {
		const m = this.models.get(name);
		if (!m) throw new OdooError('odoo.exceptions.UserError', `Object ${name} doesn't exist`);
		if (m.versions && (this.version < m.versions[0] || this.version > m.versions[1])) {
			throw new OdooError('odoo.exceptions.UserError', `Object ${name} doesn't exist`);
		}
		return m;
	}

	table(name: string): Map<number, Rec> {
		const t = this.tables.get(name);
		if (!t) throw new OdooError('odoo.exceptions.UserError', `Object ${name} doesn't exist`);
		return t;
	}

	/** Next id of a model, like a PostgreSQL sequence: consumed even if the call rolls back. */
	nextId(model: string): number {
		const n = this.sequences.get(model) ?? 1;
		this.sequences.set(model, n + 1);
		return n;
	}

	setSequence(model: string, next: number): void {
		this.sequences.set(model, next);
	}

	now(): string {
		return formatDatetime(this.clock());
	}

	/** Domain leaves ignored as real Odoo ignores them (logged there as warnings). */
	readonly ignoredLeaves: string[] = [];

	today(): string {
		return formatDate(this.clock());
	}

	/** Odoo's `context_today`: today in the context's time zone (`tz`), else in UTC. */
	todayIn(tz: unknown): string {
		if (typeof tz !== 'string' || !tz) return this.today();
		try {
			return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.clock());
		} catch {
			return this.today(); // Odoo falls back to UTC for an unknown zone
		}
	}

	// ---- transactions ----------------------------------------------------------------

	/** Runs `fn` as one transaction: any exception restores every record it touched. */
	transaction<T>(fn: () => T): T {
		if (this.undo) return fn();
		this.undo = [];
		try {
			const result = fn();
			this.undo = null;
			return result;
		} catch (e) {
			const log = this.undo ?? [];
			this.undo = null;
			for (let i = log.length - 1; i >= 0; i--) log[i]();
			throw e;
		}
	}

	/** A savepoint inside the current transaction (Odoo's `load` uses one per batch). */
	savepoint<T>(fn: () => T): T {
		const outer = this.undo;
		const mark = outer ? outer.length : 0;
		try {
			return fn();
		} catch (e) {
			if (outer) {
				const undone = outer.splice(mark);
				for (let i = undone.length - 1; i >= 0; i--) undone[i]();
			}
			throw e;
		}
	}

	private log(fn: () => void): void {
		this.undo?.push(fn);
	}

	/** Declares a unique index, like a UNIQUE constraint in the database. */
	defineUnique(model: string, key: (r: Rec) => string): void {
		const map = new Map<string, number>();
		for (const r of this.table(model).values()) map.set(key(r), r.id);
		this.unique.set(model, { key, map });
	}

	/** The record holding a unique key, if any. */
	findUnique(model: string, key: string): Rec | undefined {
		const u = this.unique.get(model);
		const id = u?.map.get(key);
		return id === undefined ? undefined : this.table(model).get(id);
	}

	private indexAdd(model: string, rec: Rec): void {
		const u = this.unique.get(model);
		if (u) u.map.set(u.key(rec), rec.id);
	}

	private indexRemove(model: string, rec: Rec): void {
		const u = this.unique.get(model);
		if (u && u.map.get(u.key(rec)) === rec.id) u.map.delete(u.key(rec));
	}

	insertRaw(model: string, rec: Rec): void {
		const t = this.table(model);
		t.set(rec.id, rec);
		this.indexAdd(model, rec);
		this.log(() => {
			t.delete(rec.id);
			this.indexRemove(model, rec);
		});
	}

	updateRaw(model: string, rec: Rec, changes: Record<string, unknown>): void {
		const before: Record<string, unknown> = {};
		for (const k of Object.keys(changes)) before[k] = rec[k];
		this.indexRemove(model, rec);
		Object.assign(rec, changes);
		this.indexAdd(model, rec);
		this.log(() => {
			this.indexRemove(model, rec);
			Object.assign(rec, before);
			this.indexAdd(model, rec);
		});
	}

	deleteRaw(model: string, id: number): void {
		const t = this.table(model);
		const rec = t.get(id);
		if (!rec) return;
		t.delete(id);
		this.indexRemove(model, rec);
		this.log(() => {
			t.set(id, rec);
			this.indexAdd(model, rec);
		});
	}

	// ---- field access ----------------------------------------------------------------

	/** A model's own field, if it exists on the served version. */
	own(m: ModelDef, field: string): FieldDef | undefined {
		const d = Object.prototype.hasOwnProperty.call(m.fields, field) ? m.fields[field] : undefined;
		if (!d) return undefined;
		if (d.versions && (this.version < d.versions[0] || this.version > d.versions[1])) return undefined;
		return d;
	}

	private readonly ownFieldsCache = new Map<ModelDef, Array<[string, FieldDef]>>();

	ownFields(m: ModelDef): Array<[string, FieldDef]> {
		let list = this.ownFieldsCache.get(m);
		if (!list) {
			list = Object.keys(m.fields).flatMap((k) => {
				const d = this.own(m, k);
				return d ? [[k, d] as [string, FieldDef]] : [];
			});
			this.ownFieldsCache.set(m, list);
		}
		return list;
	}

	fieldDef(model: string, field: string): { def: FieldDef; owner: string } | undefined {
		const m = this.model(model);
		const d = this.own(m, field);
		if (d) return { def: d, owner: model };
		if (m.inherits) return this.fieldDef(m.inherits.model, field);
		return undefined;
	}

	/** All field names of a model, delegated ones included. */
	fieldNames(model: string): string[] {
		const m = this.model(model);
		const own = this.ownFields(m).map(([k]) => k);
		if (!m.inherits) return own;
		return [...new Set([...own, ...this.fieldNames(m.inherits.model)])];
	}

	get(env: Env, model: string, rec: Rec, field: string): unknown {
		if (field === 'id') return rec.id;
		const m = this.model(model);
		const def = this.own(m, field);
		if (def) {
			if (def.compute) return def.compute(env, rec);
			if (def.type === 'one2many') {
				const inv = def.inverseName!;
				const out: number[] = [];
				for (const r of this.table(def.relation!).values()) if (r[inv] === rec.id) out.push(r.id);
				return this.sortIds(env, def.relation!, out);
			}
			const v = rec[field];
			if (v === undefined) return emptyValue(def.type);
			return v;
		}
		if (m.inherits) {
			const parentId = rec[m.inherits.field] as number;
			const parent = this.table(m.inherits.model).get(parentId);
			if (!parent) return false;
			return this.get(env, m.inherits.model, parent, field);
		}
		throw valueError(`Invalid field '${field}' on model '${model}'`);
	}

	displayName(env: Env, model: string, rec: Rec): string {
		const m = this.model(model);
		if (m.displayName) return m.displayName(env, rec);
		const rn = m.recName ?? 'name';
		const v = this.fieldDef(model, rn) ? this.get(env, model, rec, rn) : false;
		return typeof v === 'string' ? v : `${model},${rec.id}`;
	}

	browse(model: string, id: number): Rec | undefined {
		return this.table(model).get(id);
	}

	mustBrowse(env: Env, model: string, ids: number[]): Rec[] {
		const t = this.table(model);
		const missing = ids.filter((id) => !t.has(id));
		if (missing.length) throw missingError(model, missing, env.uid);
		return ids.map((id) => t.get(id)!);
	}

	// ---- create / write / unlink -----------------------------------------------------

	create(env: Env, model: string, vals: Record<string, unknown>): Rec {
		const m = this.model(model);
		vals = { ...vals };
		const { own, delegated, inverses } = this.split(m, vals);
		m.beforeCreate?.(env, own);
		if (m.inherits && !own[m.inherits.field]) {
			const parent = this.create(env, m.inherits.model, delegated);
			own[m.inherits.field] = parent.id;
		} else if (m.inherits && Object.keys(delegated).length) {
			this.write(env, m.inherits.model, [own[m.inherits.field] as number], delegated);
		}
		for (const [fname, def] of this.ownFields(m)) {
			if (fname in own || def.compute || def.type === 'one2many' || MAGIC.includes(fname)) continue;
			if (def.default !== undefined) {
				own[fname] = typeof def.default === 'function' ? (def.default as (e: Env, v: Record<string, unknown>) => unknown)(env, own) : clone(def.default);
			}
		}
		const rec: Rec = { id: this.nextId(model) };
		const later: Array<() => void> = [];
		for (const [fname, value] of Object.entries(own)) {
			const def = m.fields[fname];
			if (def.type === 'one2many') {
				later.push(() => this.applyOne2many(env, def, rec.id, value));
				continue;
			}
			rec[fname] = this.convert(env, model, fname, def, value, []);
		}
		for (const [fname, def] of this.ownFields(m)) {
			if (def.required && !def.compute && isEmpty(rec[fname]) && def.type !== 'boolean') {
				throw mandatoryFieldError(m.description, model, def.string, fname);
			}
		}
		const now = this.now();
		rec.create_date = now;
		rec.write_date = now;
		rec.create_uid = env.uid;
		rec.write_uid = env.uid;
		this.insertRaw(model, rec);
		for (const f of later) f();
		for (const [fname, value] of Object.entries(inverses)) m.fields[fname].inverse!(env, rec, value);
		m.afterCreate?.(env, rec, own);
		return rec;
	}

	write(env: Env, model: string, ids: number[], vals: Record<string, unknown>): void {
		const m = this.model(model);
		const recs = this.mustBrowse(env, model, ids);
		this.checkCompanies(env, model, recs, 'modify');
		const { own, delegated, inverses } = this.split(m, vals);
		m.beforeWrite?.(env, recs, own);
		if (m.inherits && Object.keys(delegated).length) {
			const parents = [...new Set(recs.map((r) => r[m.inherits!.field] as number))];
			this.write(env, m.inherits.model, parents, delegated);
		}
		const now = this.now();
		for (const rec of recs) {
			const changes: Record<string, unknown> = {};
			for (const [fname, value] of Object.entries(own)) {
				const def = m.fields[fname];
				if (def.type === 'one2many') {
					this.applyOne2many(env, def, rec.id, value);
					continue;
				}
				changes[fname] = this.convert(env, model, fname, def, value, (rec[fname] as number[]) ?? []);
				if (def.required && isEmpty(changes[fname]) && def.type !== 'boolean') {
					throw mandatoryFieldError(m.description, model, def.string, fname);
				}
			}
			changes.write_date = now;
			changes.write_uid = env.uid;
			this.updateRaw(model, rec, changes);
		}
		if (m.inherits && Object.keys(delegated).length) {
			for (const rec of recs) this.updateRaw(model, rec, { write_date: now });
		}
		for (const rec of recs) for (const [fname, value] of Object.entries(inverses)) m.fields[fname].inverse!(env, rec, value);
		m.afterWrite?.(env, recs, own);
	}

	/** Sorts incoming values into own stored fields, delegated (`_inherits`) ones and computed setters. */
	private split(m: ModelDef, vals: Record<string, unknown>) {
		const own: Record<string, unknown> = {};
		const delegated: Record<string, unknown> = {};
		const inverses: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(vals)) {
			if (k === 'id' || MAGIC.includes(k)) continue;
			const d = this.own(m, k);
			if (d && d.compute) {
				if (d.inverse) inverses[k] = v;
			} else if (d) own[k] = v;
			else if (m.inherits && this.fieldDef(m.inherits.model, k)) delegated[k] = v;
			else throw valueError(`Invalid field '${k}' on model '${m.name}'`);
		}
		return { own, delegated, inverses };
	}

	unlink(env: Env, model: string, ids: number[]): void {
		const m = this.model(model);
		const t = this.table(model);
		const recs = ids.map((id) => t.get(id)).filter((r): r is Rec => !!r);
		this.checkCompanies(env, model, recs, 'delete');
		m.beforeUnlink?.(env, recs);
		for (const rec of recs) {
			this.deleteRaw(model, rec.id);
			// Cascade along many2one fields that point here, as the database's foreign keys do.
			for (const [other, fname, fdef] of this.referencesTo(model)) {
				{
					for (const r of this.table(other).values()) {
						if (fdef.type === 'many2one' && r[fname] === rec.id) {
							if (fdef.ondelete === 'cascade') this.unlink(env, other, [r.id]);
							else this.updateRaw(other, r, { [fname]: false });
						} else if (fdef.type === 'many2many' && Array.isArray(r[fname]) && (r[fname] as number[]).includes(rec.id)) {
							this.updateRaw(other, r, { [fname]: (r[fname] as number[]).filter((x) => x !== rec.id) });
						}
					}
				}
			}
			// External ids of deleted records disappear with them.
			if (model !== 'ir.model.data' && this.tables.has('ir.model.data')) {
				for (const x of [...this.table('ir.model.data').values()]) {
					if (x.model === model && x.res_id === rec.id) this.deleteRaw('ir.model.data', x.id);
				}
			}
		}
	}

	private readonly references = new Map<string, Array<[string, string, FieldDef]>>();

	/** Stored relational fields pointing at a model, as (model, field, definition). */
	private referencesTo(model: string): Array<[string, string, FieldDef]> {
		let refs = this.references.get(model);
		if (!refs) {
			refs = [];
			for (const [other, odef] of this.models) {
				for (const [fname, fdef] of Object.entries(odef.fields)) {
					if (fdef.relation === model && !fdef.compute && (fdef.type === 'many2one' || fdef.type === 'many2many')) refs.push([other, fname, fdef]);
				}
			}
			this.references.set(model, refs);
		}
		return refs;
	}

	private applyOne2many(env: Env, def: FieldDef, parentId: number, value: unknown): void {
		if (!Array.isArray(value)) throw valueError(`Wrong value for one2many field: ${JSON.stringify(value)}`);
		const rel = def.relation!;
		for (const cmd of value) {
			if (!Array.isArray(cmd)) throw valueError(`Wrong x2many command: ${JSON.stringify(cmd)}`);
			const [op, id, vals] = cmd as [number, number, Record<string, unknown>];
			switch (op) {
				case 0:
					this.create(env, rel, { ...(vals ?? {}), [def.inverseName!]: parentId });
					break;
				case 1:
					this.write(env, rel, [id], vals ?? {});
					break;
				case 2:
					this.unlink(env, rel, [id]);
					break;
				case 4:
					this.write(env, rel, [id], { [def.inverseName!]: parentId });
					break;
				case 5:
				case 6:
					for (const r of [...this.table(rel).values()]) {
						if (r[def.inverseName!] === parentId && (op === 5 || !((cmd[2] as number[]) ?? []).includes(r.id))) {
							this.unlink(env, rel, [r.id]);
						}
					}
					if (op === 6) for (const x of (cmd[2] as number[]) ?? []) this.write(env, rel, [x], { [def.inverseName!]: parentId });
					break;
				default:
					throw valueError(`Unknown x2many command ${op}`);
			}
		}
	}

	/** Converts an incoming value to its stored form, checking references exist. */
	private convert(env: Env, model: string, fname: string, def: FieldDef, value: unknown, current: number[]): unknown {
		if (value === null || value === undefined) value = false;
		switch (def.type) {
			case 'many2one': {
				if (value === false || value === 0) return false;
				if (Array.isArray(value)) value = value[0]; // tolerate [id, name]
				if (typeof value !== 'number' || !Number.isInteger(value)) {
					throw valueError(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
				}
				if (!this.table(def.relation!).has(value)) throw missingError(def.relation!, [value], env.uid);
				return value;
			}
			case 'many2many': {
				if (value === false) return [];
				if (!Array.isArray(value)) throw valueError(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
				let ids = [...current];
				for (const item of value) {
					if (typeof item === 'number') {
						// a plain list of ids replaces the set, as Odoo accepts
						ids = value as number[];
						break;
					}
					const [op, id, arg] = item as [number, number, unknown];
					if (op === 6) ids = [...((arg as number[]) ?? [])];
					else if (op === 4) ids = ids.includes(id) ? ids : [...ids, id];
					else if (op === 3) ids = ids.filter((x) => x !== id);
					else if (op === 5) ids = [];
					else if (op === 0) ids = [...ids, this.create(env, def.relation!, (arg as Record<string, unknown>) ?? {}).id];
					else throw valueError(`Unknown x2many command ${op} on ${model}.${fname}`);
				}
				const rel = this.table(def.relation!);
				const missing = ids.filter((id) => !rel.has(id));
				if (missing.length) throw missingError(def.relation!, missing, env.uid);
				return [...new Set(ids)];
			}
			case 'integer':
				if (value === false) return 0;
				if (typeof value !== 'number') throw valueError(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
				return Math.trunc(value);
			case 'float':
			case 'monetary':
				if (value === false) return 0;
				if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
				if (typeof value !== 'number') throw valueError(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
				return value;
			case 'boolean':
				return !!value;
			case 'selection':
				if (value === false) return false;
				if (def.selection && !def.selection.includes(String(value))) {
					throw valueError(`Wrong value for ${model}.${fname}: ${JSON.stringify(value)}`);
				}
				return value;
			case 'date':
				if (value === false) return false;
				if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value.slice(0, 10)))) {
					throw valueError(`time data ${JSON.stringify(value)} does not match format '%Y-%m-%d'`);
				}
				return value.slice(0, 10);
			case 'datetime':
				if (value === false) return false;
				if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(value)) {
					throw valueError(`time data ${JSON.stringify(value)} does not match format '%Y-%m-%d %H:%M:%S'`);
				}
				return value.length === 10 ? `${value} 00:00:00` : value.length === 16 ? `${value}:00` : value;
			default:
				return value;
		}
	}

	// ---- read / search ---------------------------------------------------------------

	formatValue(env: Env, model: string, rec: Rec, field: string, load: boolean): unknown {
		const fd = this.fieldDef(model, field);
		if (!fd && field !== 'id') throw valueError(`Invalid field '${field}' on model '${model}'`);
		const v = this.get(env, model, rec, field);
		if (!fd || fd.def.type !== 'many2one') return clone(v);
		if (!v) return false;
		if (!load) return v;
		const target = this.browse(fd.def.relation!, v as number);
		return target ? [v, this.displayName(env, fd.def.relation!, target)] : false;
	}

	/**
	 * Odoo's multi-company record rule, ['|', ('company_id', '=', False), ('company_id', 'in',
	 * company_ids)], for a model with a company; undefined where no rule applies.
	 */
	companyRule(env: Env, model: string): ((rec: Rec) => boolean) | undefined {
		const def = env.companies && this.model(model).fields.company_id;
		if (!env.companies || !def || def.type !== 'many2one' || def.compute || def.relation !== 'res.company') return undefined;
		const allowed = new Set(env.companies);
		return (rec) => !rec.company_id || allowed.has(rec.company_id as number);
	}

	/** Refuses records the active companies may not see (Odoo's AccessError of a record rule). */
	checkCompanies(env: Env, model: string, recs: Rec[], operation: string): void {
		const visible = this.companyRule(env, model);
		const out = visible ? recs.filter((r) => !visible(r)) : [];
		if (!out.length) return;
		const m = this.model(model);
		throw accessError(
			`Due to security restrictions, you are not allowed to ${operation} '${m.description}' (${model}) records.\n\nRecords: ${out.map((r) => `${String(r.display_name ?? r.name ?? r.id)} (id=${r.id})`).join(', ')}\n\nThis restriction is due to the following rules:\n- ${m.description} multi-company`,
		);
	}

	read(env: Env, model: string, ids: number[], fields: string[] | undefined, load = true): Record<string, unknown>[] {
		const m = this.model(model);
		this.checkCompanies(env, model, ids.map((id) => this.table(m.name).get(id)).filter((r): r is Rec => !!r), 'access');
		const names = fields && fields.length ? fields : this.fieldNames(model).filter((f) => !['json'].includes(this.fieldDef(model, f)!.def.type));
		for (const f of names) if (f !== 'id' && !this.fieldDef(model, f)) throw valueError(`Invalid field '${f}' on model '${model}'`);
		const t = this.table(m.name);
		const out: Record<string, unknown>[] = [];
		for (const id of ids) {
			const rec = t.get(id);
			if (!rec) continue;
			const row: Record<string, unknown> = { id };
			for (const f of names) if (f !== 'id') row[f] = this.formatValue(env, model, rec, f, load);
			out.push(row);
		}
		return out;
	}

	search(env: Env, model: string, domain: Domain, opts: { offset?: number; limit?: number | false; order?: string } = {}): number[] {
		this.model(model);
		const pred = this.compileDomain(env, model, domain ?? []);
		const activeTest = env.context.active_test !== false && !!this.fieldDef(model, 'active') && !domainMentions(domain ?? [], 'active');
		const matched: Rec[] = [];
		const visible = this.companyRule(env, model);
		for (const rec of this.table(model).values()) {
			if (activeTest && this.get(env, model, rec, 'active') === false) continue;
			if (visible && !visible(rec)) continue;
			if (pred(rec)) matched.push(rec);
		}
		const sorted = this.sortRecs(env, model, matched, opts.order);
		const offset = opts.offset ?? 0;
		const end = opts.limit ? offset + opts.limit : undefined;
		return sorted.slice(offset, end).map((r) => r.id);
	}

	private sortIds(env: Env, model: string, ids: number[]): number[] {
		const t = this.table(model);
		return this.sortRecs(env, model, ids.map((id) => t.get(id)!).filter(Boolean)).map((r) => r.id);
	}

	sortRecs(env: Env, model: string, recs: Rec[], order?: string): Rec[] {
		const spec = (order || this.model(model).order || 'id')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean)
			.map((s) => {
				const [f, dir] = s.split(/\s+/);
				if (f !== 'id' && !this.fieldDef(model, f)) throw valueError(`Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`);
				return { f, desc: (dir ?? '').toLowerCase() === 'desc' };
			});
		if (!spec.some((s) => s.f === 'id')) spec.push({ f: 'id', desc: false });
		const types = spec.map((s) => (s.f === 'id' ? 'integer' : this.fieldDef(model, s.f)!.def.type));
		// Booleans sort as values; elsewhere false means NULL.
		const keyed = recs.map((r) => ({
			r,
			k: spec.map((s, i) => (types[i] === 'boolean' ? (this.get(env, model, r, s.f) ? 1 : 0) : sortKey(this.get(env, model, r, s.f)))),
		}));
		keyed.sort((a, b) => {
			for (let i = 0; i < spec.length; i++) {
				const c = compare(a.k[i], b.k[i]);
				if (c) return spec[i].desc ? -c : c;
			}
			return 0;
		});
		return keyed.map((x) => x.r);
	}

	compileDomain(env: Env, model: string, domain: Domain): (rec: Rec) => boolean {
		if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
		let pos = 0;
		const parse = (): ((rec: Rec) => boolean) => {
			const tok = domain[pos++];
			if (tok === '&' || tok === '|') {
				const a = parse();
				const b = parse();
				return tok === '&' ? (r) => a(r) && b(r) : (r) => a(r) || b(r);
			}
			if (tok === '!') {
				const a = parse();
				return (r) => !a(r);
			}
			if (Array.isArray(tok) && tok.length === 3) return this.compileLeaf(env, model, tok as [string, string, unknown]);
			if (tok === true || (Array.isArray(tok) && tok[0] === 1)) return () => true;
			if (tok === false || (Array.isArray(tok) && tok[0] === 0)) return () => false;
			throw valueError(`Invalid leaf ${JSON.stringify(tok)}`);
		};
		const parts: Array<(rec: Rec) => boolean> = [];
		while (pos < domain.length) parts.push(parse());
		return (rec) => parts.every((p) => p(rec));
	}

	private compileLeaf(env: Env, model: string, leaf: [string, string, unknown]): (rec: Rec) => boolean {
		const [path, rawOp, value] = leaf;
		const op = String(rawOp).toLowerCase();
		const leafText = `('${path}', '${rawOp}', ${pyRepr(value)})`;
		const segs = String(path).split('.');
		// Validate the path up front, as Odoo does when it builds the query.
		let m = model;
		const defs: (FieldDef | undefined)[] = [];
		for (let i = 0; i < segs.length; i++) {
			const seg = segs[i];
			const fd = seg === 'id' ? undefined : this.fieldDef(m, seg);
			if (seg !== 'id' && !fd) throw valueError(`Invalid field ${m}.${seg} in leaf ${leafText}`);
			defs.push(fd?.def);
			if (i < segs.length - 1) {
				if (!fd?.def.relation) throw valueError(`Invalid field ${m}.${seg} in leaf ${leafText}`);
				m = fd.def.relation;
			}
		}
		const ops = ['=', '!=', '<>', '<', '>', '<=', '>=', 'in', 'not in', 'like', 'not like', 'ilike', 'not ilike', '=like', '=ilike', 'child_of', 'parent_of', '=?'];
		if (!ops.includes(op)) throw valueError(`Invalid operator ${JSON.stringify(rawOp)} in leaf ${leafText}`);
		if (defs.some((d) => d?.unsearchable)) {
			this.ignoredLeaves.push(`Non-stored field ${model}.${path} cannot be searched.`);
			return () => true;
		}

		const evalAt = (curModel: string, rec: Rec, i: number): boolean => {
			const seg = segs[i];
			const def = defs[i];
			const v = this.get(env, curModel, rec, seg);
			if (i < segs.length - 1) {
				const rel = def!.relation!;
				const ids = Array.isArray(v) ? (v as number[]) : v ? [v as number] : [];
				const nexts = ids.map((id) => this.browse(rel, id)).filter((r): r is Rec => !!r);
				if (!nexts.length) return op === '=' && value === false ? true : op === '!=' ? value !== false : false;
				return nexts.some((n) => evalAt(rel, n, i + 1));
			}
			return this.matchValue(env, def, v, op, value);
		};
		return (rec) => evalAt(model, rec, 0);
	}

	private matchValue(env: Env, def: FieldDef | undefined, v: unknown, op: string, value: unknown): boolean {
		const isX2m = def?.type === 'many2many' || def?.type === 'one2many';
		const relational = def?.type === 'many2one' || isX2m;
		if (op === '=?') {
			if (value === false || value === null || value === undefined) return true;
			op = '=';
		}
		// Names against a relational field compare with the target's display name.
		if (relational && typeof value === 'string' && !['child_of', 'parent_of'].includes(op)) {
			const ids = isX2m ? (v as number[]) : v ? [v as number] : [];
			const names = ids.map((id) => {
				const r = this.browse(def!.relation!, id);
				return r ? this.displayName(env, def!.relation!, r) : '';
			});
			if (op.startsWith('not') || op === '!=' || op === '<>') return !names.some((n) => cmpScalar(n, op.replace('not ', '').replace('!=', '=').replace('<>', '='), value));
			return names.some((n) => cmpScalar(n, op, value));
		}
		if (isX2m) {
			const ids = v as number[];
			switch (op) {
				case '=':
					return value === false ? ids.length === 0 : ids.includes(value as number);
				case '!=':
				case '<>':
					return value === false ? ids.length > 0 : !ids.includes(value as number);
				case 'in':
					return (value as unknown[]).some((x) => (x === false ? ids.length === 0 : ids.includes(x as number)));
				case 'not in':
					return !(value as unknown[]).some((x) => ids.includes(x as number));
				default:
					return ids.some((id) => cmpScalar(id, op, value));
			}
		}
		if (op === 'child_of' || op === 'parent_of') {
			const want = Array.isArray(value) ? value : [value];
			return want.includes(v);
		}
		return cmpScalar(v, op, value);
	}
}

function cmpScalar(v: unknown, op: string, value: unknown): boolean {
	const eq = (a: unknown, b: unknown) => {
		if (b === false || b === null) return a === false || a === null || a === undefined || a === '';
		if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) return a === Number(b);
		return a === b;
	};
	switch (op) {
		case '=':
			return eq(v, value);
		case '!=':
		case '<>':
			return !eq(v, value);
		case 'in':
			return Array.isArray(value) ? inList(v, value, eq) : eq(v, value);
		case 'not in':
			return Array.isArray(value) ? !inList(v, value, eq) : !eq(v, value);
		case '<':
		case '>':
		case '<=':
		case '>=': {
			if (v === false || v === null || v === undefined) return false;
			const c = compare(sortKey(v), sortKey(value));
			return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
		}
		case 'like':
		case 'ilike':
		case 'not like':
		case 'not ilike': {
			const ci = op.includes('ilike');
			const neg = op.startsWith('not');
			if (v === false || v === null || v === undefined) return neg;
			const hay = ci ? String(v).toLowerCase() : String(v);
			const needle = likeToRegex(`%${ci ? String(value).toLowerCase() : String(value)}%`);
			const hit = needle.test(hay);
			return neg ? !hit : hit;
		}
		case '=like':
		case '=ilike': {
			if (v === false || v === null || v === undefined) return false;
			const ci = op === '=ilike';
			return likeToRegex(ci ? String(value).toLowerCase() : String(value)).test(ci ? String(v).toLowerCase() : String(v));
		}
		default:
			return false;
	}
}

const listSets = new WeakMap<unknown[], Set<unknown>>();

/** Membership in a domain's list: a set for plain values, as a database would use an index. */
function inList(v: unknown, list: unknown[], eq: (a: unknown, b: unknown) => boolean): boolean {
	if (typeof v === 'string' || (typeof v === 'number' && !list.some((x) => typeof x === 'string'))) {
		let set = listSets.get(list);
		if (!set) listSets.set(list, (set = new Set(list)));
		return set.has(v);
	}
	return list.some((x) => eq(v, x));
}

function likeToRegex(pattern: string): RegExp {
	let re = '';
	for (const ch of pattern) {
		if (ch === '%') re += '.*';
		else if (ch === '_') re += '.';
		else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${re}$`, 's');
}

function sortKey(v: unknown): string | number | null {
	if (v === false || v === null || v === undefined) return null;
	if (Array.isArray(v)) return v.length ? (v[0] as number) : null;
	if (typeof v === 'boolean') return v ? 1 : 0;
	return v as string | number;
}

function compare(a: string | number | null, b: string | number | null): number {
	// NULLs sort last in ascending order, as PostgreSQL does.
	if (a === null && b === null) return 0;
	if (a === null) return 1;
	if (b === null) return -1;
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	const sa = String(a);
	const sb = String(b);
	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function domainMentions(domain: Domain, field: string): boolean {
	return domain.some((t) => Array.isArray(t) && typeof t[0] === 'string' && t[0].split('.')[0] === field);
}

export function emptyValue(type: FieldType): unknown {
	switch (type) {
		case 'many2many':
		case 'one2many':
			return [];
		case 'integer':
		case 'float':
		case 'monetary':
			return 0;
		default:
			return false;
	}
}

function isEmpty(v: unknown): boolean {
	return v === false || v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

export function clone<T>(v: T): T {
	return v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as T) : v;
}

/** Python's repr of a JSON value, for error messages that quote a domain leaf. */
export function pyRepr(v: unknown): string {
	if (v === true) return 'True';
	if (v === false) return 'False';
	if (v === null || v === undefined) return 'None';
	if (typeof v === 'string') return `'${v}'`;
	if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
	return String(v);
}

/** Where a new record of a model with a company goes: the first active company of the call (Odoo's env.company). */
export function activeCompany(env: Env): number {
	return env.companies?.[0] ?? ((env.db.browse('res.users', env.uid)?.company_id as number) || 1);
}

/** The company the API user works in (its current company): where records are made and read. */
export function mainCompany(db: Database): Rec {
	const user = db.browse('res.users', 2);
	return db.browse('res.company', (user?.company_id as number) || 1)!;
}
