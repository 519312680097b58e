import type { IExecuteFunctions } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { InputError } from '../../shared/items';

export { InputError };

export function storeId(ctx: IExecuteFunctions, i: number): number {
	const v = ctx.getNodeParameter('store', i, '', { extractValue: true });
	const n = Number(v);
	if (!Number.isInteger(n) || n <= 0) throw new InputError(`Store "${String(v)}" is not a store ID`, 'store');
	return n;
}

export function positiveInt(value: unknown, field: string): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n <= 0) throw new InputError(`${field} "${String(value)}" is not a positive whole number`, field);
	return n;
}

/**
 * A date (the store's calendar day) passes as is; a datetime with an offset passes as ISO;
 * a datetime without one is read in the store's time zone, as a manager would mean it.
 */
export function toCodeplusTime(value: unknown, field: string, zone: string): string {
	const text = typeof value === 'string' ? value.trim() : value instanceof Date ? value.toISOString() : String((value as { toISO?: () => string })?.toISO?.() ?? value ?? '');
	if (!text) throw new InputError(`${field} is empty`, field);
	if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
		if (!DateTime.fromISO(text).isValid) throw new InputError(`${field} "${text}" is not a valid date`, field);
		return text;
	}
	const hasOffset = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text);
	const d = hasOffset ? DateTime.fromISO(text, { setZone: true }) : DateTime.fromISO(text, { zone });
	if (!d.isValid) throw new InputError(`${field} "${text}" is not an ISO 8601 date or datetime (${d.invalidExplanation ?? d.invalidReason})`, field);
	return d.toISO({ suppressMilliseconds: true })!;
}
