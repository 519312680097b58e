/**
 * The POS counter API's rules that need no Odoo: who the till is (its token's claims), whether its
 * token was revoked, whether it is slowed after refusals, and what its request may hold. Everything
 * here runs before any Odoo record is read, so a refused request reads and writes nothing.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** A refusal answered to the till: an HTTP status and a message that names no other company's record. */
export class Refusal extends Error {
	constructor(
		readonly status: number,
		message: string,
		/** Counted against the till for slowing it down (guessing); a revoked or slowed till is not counted again. */
		readonly counts = true,
		readonly retryAfterSeconds?: number,
	) {
		super(message);
	}
}

/** A till, from the claims of the JWT it authenticated with (n8n's Webhook node verified the signature). */
export interface Till {
	/** `sub`: the till's name, shown on its payments and in the audit trail. */
	name: string;
	/** `jti`: the token's own ID, listed to revoke this token alone. */
	tokenId: string;
	/** `company`: the Odoo company (name or ID) the till sells for. */
	company: string;
	/** `store`: the PixelPoint store number the till stands in. */
	store: number;
}

const CLAIM_TEXT = /^[\p{L}\p{N} ._:@#/-]{1,64}$/u;

/** The till's identity from the verified claims; a token without them is refused (it was not issued for a till). */
export function tillOf(payload: unknown): Till {
	const p = (payload && typeof payload === 'object' ? payload : {}) as IDataObject;
	if (!Object.keys(p).length) {
		throw new Refusal(401, 'This API takes a till token: send "Authorization: Bearer <token>" with a JWT issued for the till', false);
	}
	const text = (claim: string): string => {
		const v = p[claim];
		const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
		if (!CLAIM_TEXT.test(s)) throw new Refusal(403, `The till token has no valid "${claim}" claim: issue the till a new token (sub, jti, company, store)`, false);
		return s;
	};
	const name = text('sub');
	const tokenId = text('jti');
	const company = text('company');
	const store = Number(text('store'));
	if (!Number.isInteger(store) || store <= 0) throw new Refusal(403, 'The till token\'s "store" claim is not a PixelPoint store number', false);
	return { name, tokenId, company, store };
}

/** The list of revoked tokens as typed (IDs or till names, separated by commas, spaces or lines). */
export function revokedList(raw: string): Set<string> {
	return new Set(
		String(raw ?? '')
			.split(/[\s,;]+/)
			.map((s) => s.trim())
			.filter(Boolean),
	);
}

export function refuseRevoked(till: Till, revoked: Set<string>): void {
	if (revoked.has(till.tokenId) || revoked.has(till.name)) throw new Refusal(403, 'This till token was revoked: ask for a new one', false);
}

/** The key a till's counters and idempotency keys are kept under: its company, name and token. */
export function tillKey(till: Till): string {
	return createHash('sha256').update(`${till.company}\u0000${till.name}\u0000${till.tokenId}`).digest('hex').slice(0, 16);
}

export interface ThrottlePolicy {
	/** Refusals within the window that lock the till out. */
	maxFailures: number;
	windowMs: number;
}

/** Per till: the times of its recent refusals and, once too many, until when it is slowed. */
export type ThrottleState = Record<string, { failures: number[]; lockedUntil?: number }>;

/** A slowed till is answered 429 with the seconds to wait, without a look at Odoo. */
export function refuseIfSlowed(state: ThrottleState, key: string, now: number): void {
	const entry = state[key];
	if (entry?.lockedUntil && entry.lockedUntil > now) {
		throw new Refusal(429, 'Too many refused requests from this till: wait before trying again', false, Math.ceil((entry.lockedUntil - now) / 1000));
	}
}

/** Counts a refusal; answers true when this one slows the till down (the moment to audit). */
export function countFailure(state: ThrottleState, key: string, now: number, policy: ThrottlePolicy): boolean {
	const entry = (state[key] ??= { failures: [] });
	entry.failures = [...entry.failures.filter((t) => now - t < policy.windowMs), now];
	if (entry.failures.length >= policy.maxFailures) {
		entry.lockedUntil = now + policy.windowMs;
		entry.failures = [];
		return true;
	}
	return false;
}

/** Old entries go, so the state stays as small as the number of tills seen lately. */
export function pruneThrottle(state: ThrottleState, now: number, policy: ThrottlePolicy): void {
	for (const [k, v] of Object.entries(state)) {
		if ((!v.lockedUntil || v.lockedUntil <= now) && !v.failures.some((t) => now - t < policy.windowMs)) delete state[k];
	}
}

/** The request as n8n's Webhook node gives it. */
export interface CounterRequest {
	headers: IDataObject;
	query: IDataObject;
	body: IDataObject;
	jwtPayload?: IDataObject;
}

export function requestOf(raw: unknown): CounterRequest {
	const r = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as IDataObject;
	const obj = (v: unknown): IDataObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as IDataObject) : {});
	if (r.body !== undefined && r.body !== null && (typeof r.body !== 'object' || Array.isArray(r.body))) throw new Refusal(400, 'The body must be one JSON object');
	return { headers: obj(r.headers), query: obj(r.query), body: obj(r.body), jwtPayload: r.jwtPayload === undefined ? undefined : obj(r.jwtPayload) };
}

/** Refuses fields the endpoint does not take, and bodies over the limit, before reading any. */
export function refuseUnknown(values: IDataObject, allowed: string[], where: 'query' | 'body'): void {
	const extra = Object.keys(values).filter((k) => !allowed.includes(k));
	if (extra.length) throw new Refusal(400, `Unknown ${where === 'query' ? 'query parameter' : 'field'} ${extra.map((e) => JSON.stringify(e.slice(0, 40))).join(', ')}: this endpoint takes ${allowed.join(', ')}`);
}

export function refuseLarge(request: CounterRequest, maxBytes: number): void {
	const declared = Number(request.headers['content-length']);
	const size = Math.max(Number.isFinite(declared) ? declared : 0, Buffer.byteLength(JSON.stringify(request.body)), Buffer.byteLength(JSON.stringify(request.query)));
	if (size > maxBytes) throw new Refusal(413, `The request is ${size} bytes: this API takes at most ${maxBytes}`);
}

/** A positive whole number (an Odoo ID), given as a number or as digits only: nothing else reaches a domain. */
export function parseId(raw: unknown, field: string, required = true): number | undefined {
	if (raw === undefined || raw === null || raw === '') {
		if (required) throw new Refusal(400, `${field} is required`);
		return undefined;
	}
	const s = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (!/^[1-9]\d{0,9}$/.test(s) || Number(s) > 2147483647) throw new Refusal(400, `${field} must be an ID (a whole number above zero), not ${JSON.stringify(raw).slice(0, 40)}`);
	return Number(s);
}

/** The largest amount the counter takes in one payment, whatever the cash ceiling. */
export const MAX_AMOUNT = 1_000_000;

/** An amount in euros with at most two decimals, above zero and below MAX_AMOUNT; returned in cents. */
export function parseAmountCents(raw: unknown): number {
	if (raw === undefined || raw === null || raw === '') throw new Refusal(400, 'amount is required (e.g. 40.00): the counter never guesses what was paid');
	const s = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (!/^-?\d+(\.\d+)?$/.test(s)) throw new Refusal(400, `amount must be a number such as 40.00, not ${JSON.stringify(raw).slice(0, 40)}`);
	if (!/^-?\d+(\.\d{1,2})?$/.test(s)) throw new Refusal(400, `amount ${s} has more than two decimals: give it to the cent`);
	const cents = Math.round(Number(s) * 100);
	if (cents <= 0) throw new Refusal(400, `amount ${s} must be above zero`);
	if (cents >= MAX_AMOUNT * 100) throw new Refusal(400, `amount ${s} is above what the counter takes in one payment`);
	return cents;
}

/** The Idempotency-Key header: required, so a till that retries after a lost answer cannot pay twice. */
export function parseIdempotencyKey(headers: IDataObject): string {
	const raw = headers['idempotency-key'];
	const key = typeof raw === 'string' ? raw.trim() : '';
	if (!key) throw new Refusal(400, 'The Idempotency-Key header is required: a new random key per payment, the same key when the till retries it');
	if (!/^[A-Za-z0-9_-]{8,64}$/.test(key)) throw new Refusal(400, 'The Idempotency-Key must be 8 to 64 letters, digits, _ or -');
	return key;
}

/** What the till was shown (an invoice number or the customer's reference), compared without case or spaces. */
export function parseShown(raw: unknown): string {
	const s = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (!s) throw new Refusal(400, 'ref is required: an invoice number of the customer (e.g. INV/2026/00012) or the customer\'s reference');
	if (s.length > 64 || [...s].some((c) => c.charCodeAt(0) < 0x20)) throw new Refusal(400, 'ref is not an invoice number or a customer reference');
	return normalShown(s);
}

export function normalShown(s: unknown): string {
	return typeof s === 'string' ? s.replace(/\s+/g, '').toUpperCase() : '';
}

export const toMoney = (cents: number) => Math.round(cents) / 100;
