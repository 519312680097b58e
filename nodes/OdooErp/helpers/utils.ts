/** Pure functions: parsing user input, converting values by Odoo field type, building load rows. */
import type { IDataObject } from 'n8n-workflow';
import type { OdooField } from '../transport';

import { DataError, InputError } from '../../shared/items';

export { DataError, InputError };

/**
 * Parses JSON, or the Python literal syntax Odoo users write domains in:
 * `[('state', '=', 'posted'), ('amount_total', '>', 0)]` with True/False/None.
 */
export function parseLiteral(text: string, what: string): unknown {
	const src = text.trim();
	if (!src) return undefined;
	try {
		return JSON.parse(src);
	} catch {
		// fall through to the Python-literal reader
	}
	let i = 0;
	const fail = (msg: string): never => {
		throw new InputError(`${what} is not valid JSON or a Python literal: ${msg} at position ${i}`, what);
	};
	const ws = () => {
		while (i < src.length && /\s/.test(src[i])) i++;
	};
	const value = (): unknown => {
		ws();
		const c = src[i];
		if (c === '[' || c === '(') {
			const close = c === '[' ? ']' : ')';
			i++;
			const out: unknown[] = [];
			ws();
			while (src[i] !== close) {
				out.push(value());
				ws();
				if (src[i] === ',') i++;
				else if (src[i] !== close) fail(`expected , or ${close}`);
				ws();
			}
			i++;
			return out;
		}
		if (c === '{') {
			i++;
			const out: Record<string, unknown> = {};
			ws();
			while (src[i] !== '}') {
				const k = value();
				ws();
				if (src[i] !== ':') fail('expected :');
				i++;
				out[String(k)] = value();
				ws();
				if (src[i] === ',') i++;
				ws();
			}
			i++;
			return out;
		}
		if (c === '"' || c === "'") {
			i++;
			let s = '';
			while (i < src.length && src[i] !== c) {
				if (src[i] === '\\') {
					i++;
					const e = src[i];
					s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
				} else s += src[i];
				i++;
			}
			if (src[i] !== c) fail('unterminated string');
			i++;
			return s;
		}
		const m = /^(True|False|None|true|false|null|-?\d+(\.\d+)?([eE][-+]?\d+)?)/.exec(src.slice(i));
		if (!m) return fail('unexpected character');
		i += m[0].length;
		if (m[0] === 'True' || m[0] === 'true') return true;
		if (m[0] === 'False' || m[0] === 'false') return false;
		if (m[0] === 'None' || m[0] === 'null') return null;
		return Number(m[0]);
	};
	const v = value();
	ws();
	if (i < src.length) fail('trailing characters');
	return v;
}

export function parseDomain(input: unknown): unknown[] {
	if (input === undefined || input === null || input === '') return [];
	const v = typeof input === 'string' ? parseLiteral(input, 'Domain') : input;
	if (v === undefined) return [];
	if (!Array.isArray(v)) throw new InputError('Domain must be a list, e.g. [["state", "=", "posted"]]', 'domain');
	for (const leaf of v) {
		const ok = leaf === '&' || leaf === '|' || leaf === '!' || (Array.isArray(leaf) && leaf.length === 3 && typeof leaf[0] === 'string');
		if (!ok) throw new InputError(`Domain element ${JSON.stringify(leaf)} is neither an operator ('&', '|', '!') nor a [field, operator, value] leaf`, 'domain');
	}
	return v;
}

export function parseObject(input: unknown, what: string): IDataObject {
	if (input === undefined || input === null || input === '') return {};
	const v = typeof input === 'string' ? parseLiteral(input, what) : input;
	if (v === undefined) return {};
	if (typeof v !== 'object' || Array.isArray(v) || v === null) throw new InputError(`${what} must be an object, e.g. {"name": "Burger"}`, what);
	return v as IDataObject;
}

export function parseArray(input: unknown, what: string): unknown[] {
	if (input === undefined || input === null || input === '') return [];
	const v = typeof input === 'string' ? parseLiteral(input, what) : input;
	if (v === undefined) return [];
	if (!Array.isArray(v)) throw new InputError(`${what} must be a list, e.g. [[1, 2]]`, what);
	return v;
}

/** Record ids from a number, a list, or a comma-separated string. */
export function parseIds(input: unknown, what = 'ID'): number[] {
	const parts = Array.isArray(input) ? input : typeof input === 'number' ? [input] : String(input ?? '').split(',');
	const ids = parts.map((p) => (typeof p === 'string' ? p.trim() : p)).filter((p) => p !== '');
	if (!ids.length) throw new InputError(`${what} is empty`, what);
	return ids.map((p) => {
		const n = Number(p);
		if (!Number.isInteger(n) || n <= 0) throw new InputError(`${what} "${String(p)}" is not a record id (a positive whole number)`, what);
		return n;
	});
}

export function chunk<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/**
 * Converts a value typed in the editor (a string) to what Odoo's ORM takes for a field that is no
 * relation (relations, by ID or external ID, are read in relations.ts).
 */
export function toOdooValue(field: string, def: OdooField | undefined, value: unknown): unknown {
	if (!def) throw new InputError(`Field "${field}" does not exist on this model`, field);
	if (value === null || value === undefined || value === '') return false;
	if (typeof value !== 'string') return value;
	const text = value.trim();
	switch (def.type) {
		case 'integer': {
			const n = Number(text);
			if (!Number.isInteger(n)) throw new InputError(`Field "${field}" expects a whole number, got "${value}"`, field);
			return n;
		}
		case 'float':
		case 'monetary': {
			const n = Number(text.replace(',', '.'));
			if (!Number.isFinite(n)) throw new InputError(`Field "${field}" expects a number, got "${value}"`, field);
			return n;
		}
		case 'boolean':
			if (/^(true|1|yes)$/i.test(text)) return true;
			if (/^(false|0|no)$/i.test(text)) return false;
			throw new InputError(`Field "${field}" expects true or false, got "${value}"`, field);
		default:
			return value;
	}
}

/**
 * One cell of a `load` row, and the column it goes in. Numbers on relational fields are
 * database ids (`field/.id`); strings on many2many are external ids (`field/id`).
 */
export function toLoadCell(field: string, def: OdooField | undefined, value: unknown): [string, string] {
	const [base, sub] = field.split('/');
	if (!def) throw new InputError(`Field "${base}" does not exist on this model`, base);
	if (value === null || value === undefined || (value === false && def.type !== 'boolean')) return [field, ''];
	if (sub !== undefined) {
		if (Array.isArray(value)) return [field, value.map(String).join(',')];
		return [field, String(value)];
	}
	switch (def.type) {
		case 'boolean':
			if (typeof value === 'boolean') return [field, value ? '1' : '0'];
			if (typeof value === 'number') return [field, value ? '1' : '0'];
			if (typeof value === 'string' && /^(true|1|yes|false|0|no)$/i.test(value.trim())) return [field, /^(true|1|yes)$/i.test(value.trim()) ? '1' : '0'];
			throw new InputError(`Field "${field}" expects true or false, got ${JSON.stringify(value)}`, field);
		case 'integer':
		case 'float':
		case 'monetary': {
			const n = typeof value === 'number' ? value : Number(String(value).trim());
			if (!Number.isFinite(n) || (typeof value === 'string' && value.trim() === '')) {
				throw new InputError(`Field "${field}" expects a number, got ${JSON.stringify(value)}`, field);
			}
			if (def.type === 'integer' && !Number.isInteger(n)) throw new InputError(`Field "${field}" expects a whole number, got ${JSON.stringify(value)}`, field);
			return [field, String(n)];
		}
		case 'many2one':
			if (typeof value === 'number') return [`${field}/.id`, String(value)];
			if (typeof value === 'string') return [field, value];
			throw new InputError(`Field "${field}" expects a record id or a name, got ${JSON.stringify(value)}`, field);
		case 'many2many': {
			const list = Array.isArray(value) ? value : [value];
			if (list.every((v) => typeof v === 'number')) return [`${field}/.id`, list.join(',')];
			if (list.every((v) => typeof v === 'string')) return [`${field}/id`, list.join(',')];
			throw new InputError(`Field "${field}" expects a list of record ids or of external ids, got ${JSON.stringify(value)}`, field);
		}
		case 'one2many':
			throw new InputError(`Field "${field}" is a one2many: upsert its records separately with their own external ids`, field);
		default:
			if (typeof value === 'object') throw new InputError(`Field "${field}" expects text, got ${JSON.stringify(value)}`, field);
			return [field, String(value)];
	}
}

const XID_PART = /^[A-Za-z0-9_-]+$/;

/** Splits `module.name` or (name, default module) and checks both parts are valid. */
export function parseExternalId(raw: unknown, namespace: string): { module: string; name: string } {
	const text = String(raw ?? '').trim();
	if (!text) throw new InputError('External ID is empty', 'externalId');
	const dot = text.indexOf('.');
	const module = dot > 0 ? text.slice(0, dot) : namespace.trim();
	const name = dot > 0 ? text.slice(dot + 1) : text;
	if (!module) throw new InputError(`External ID "${text}" has no namespace: set Namespace or write it as namespace.name`, 'namespace');
	if (!XID_PART.test(module)) throw new InputError(`Namespace "${module}" may only hold letters, digits, _ and -`, 'namespace');
	if (!XID_PART.test(name)) throw new InputError(`External ID "${name}" may only hold letters, digits, _ and -`, 'externalId');
	return { module, name };
}

/** FNV-1a over a record's values, some fields aside: equal content, equal fingerprint. */
export function fingerprint(record: object, omit: string[] = []): string {
	const content = Object.fromEntries(Object.entries(record).filter(([k]) => !omit.includes(k)));
	const text = JSON.stringify(content);
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
	return h.toString(16);
}
