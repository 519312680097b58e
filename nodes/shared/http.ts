/**
 * One HTTP exchange with retries, shared by the Odoo, Codeplus and Procountor transports.
 * 429 and 503 mean the request was turned away before it ran, so they are always retried
 * (429 after Retry-After). A reset, timeout, 502 or 504 leaves the outcome unknown: only
 * requests that are safe to repeat are sent again. Network errors never leak secrets.
 *
 * A server that does not answer is given a time budget, not only a number of tries: the tries of a
 * call, and of the calls after it while the server stays silent, share it. Once it is spent the
 * server is marked silent for the execution, so later steps fail at once instead of waiting again.
 */
import type {
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { redactUrlUserinfo } from './redact';
import { passOn } from './items';

export type AnyContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IHookFunctions;

export interface RetryPolicy {
	retries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

/** Seconds from a credential field as milliseconds: the default unless a positive number (a typo never means 0 or NaN). */
export function secondsField(value: unknown, fallbackSeconds: number): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallbackSeconds) * 1000;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 6, baseDelayMs: 400, maxDelayMs: 8000 };

export interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export interface ExchangeOptions {
	/** Name of the remote system in messages: "Odoo", "Codeplus", "Procountor". */
	service: string;
	baseUrl: string;
	/** Safe to send again when the outcome of an attempt is unknown. */
	idempotent: boolean;
	/** What is being done, for error descriptions: "product.product.load". */
	what: string;
	timeoutMs: number;
	policy?: RetryPolicy;
	itemIndex?: number;
	/** Credential type to authenticate with through n8n (httpRequestWithAuthentication). */
	credentialType?: string;
	/** Removes secrets from text that may reach a user (URL userinfo is always removed). */
	redact?: (text: string) => string;
	/**
	 * The client's contact with the server, kept across its requests and marked once an answer came.
	 * Until then a refused connection or an unknown host is a wrong URL or a stopped server, so it
	 * fails at once instead of being retried for minutes.
	 */
	contact?: { reached: boolean };
	/** Whether a non-2xx body is the service's own error (returned to the caller) rather than a proxy's. */
	isServiceError?: (status: number, body: unknown) => boolean;
	/**
	 * How long the server may stay silent (no answer, a refused connection, a proxy's 502/503/504)
	 * before the call fails, all its tries together; never less than one full timeout.
	 */
	budgetMs?: number;
	/** The server's silence, shared by the calls of an execution (silenceFor). */
	silence?: ServerSilence;
	/** Counts attempts, for tests and benchmarks. */
	stats?: { requests: number; retries: number };
	/** Before each attempt: a transport may pace itself here (rate limits). */
	beforeAttempt?: () => Promise<void>;
	/** After each attempt, whatever its outcome. */
	afterAttempt?: () => void;
}

/** A server's silence as seen by one execution: when it began, and whether the budget ran out. */
export interface ServerSilence {
	/** Start of the current stretch without an answer; cleared by any answer. */
	since?: number;
	/** Set once the budget ran out: later calls fail at once with what was seen then. */
	gaveUp?: { what: string; problem: string; networkError: string; seconds: number; at: number };
}

/** What one execution learnt of a server is kept for the rest of it, up to this long. */
const SILENT_HOLD_MS = 10 * 60_000;
const memos = new Map<string, { value: object; at: number }>();
let lastPrune = 0;

/**
 * State shared by every step of one execution (an execution runs on one worker, in queue mode
 * too); a fresh object where the context has no execution id. Entries older than the hold go.
 */
export function executionMemo<T extends object>(ctx: AnyContext, key: string, init: () => T): T {
	let id: string | undefined;
	try {
		id = ctx.getExecutionId();
	} catch {
		id = undefined;
	}
	if (!id) return init();
	const now = Date.now();
	// Pruned at most once a second: a webhook's executions come many a second.
	if (now - lastPrune > 1000) {
		lastPrune = now;
		for (const [k, v] of memos) if (now - v.at > SILENT_HOLD_MS) memos.delete(k);
	}
	const full = `${id}\u0000${key}`;
	let entry = memos.get(full);
	if (!entry) memos.set(full, (entry = { value: init(), at: now }));
	return entry.value as T;
}

/** The silence of one server in the execution the context belongs to: every step that calls it sees it. */
export function silenceFor(ctx: AnyContext, service: string, baseUrl: string): ServerSilence {
	const silence = executionMemo<ServerSilence>(ctx, `silence\u0000${service}\u0000${baseUrl}`, () => ({}));
	if (silence.gaveUp && Date.now() - silence.gaveUp.at > SILENT_HOLD_MS) silence.gaveUp = undefined;
	return silence;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const UNKNOWN_OUTCOME = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/**
 * The server refused the connection (down, restarting) even after the retries, or stayed silent
 * past the budget: nothing more can be sent in this execution.
 * Trying the same work again in smaller pieces cannot help; the next run can.
 */
export function isUnreachable(error: unknown): boolean {
	const body = error instanceof NodeApiError ? (error.errorResponse as JsonObject | undefined) : undefined;
	const code = body?.networkError;
	return body?.silent === true || (typeof code === 'string' && NOT_SENT.has(code));
}

export function retryAfterMs(header: unknown, fallbackMs: number): number {
	const v = Array.isArray(header) ? header[0] : header;
	if (v === undefined || v === null || v === '') return fallbackMs;
	const seconds = Number(v);
	if (Number.isFinite(seconds)) return Math.min(Math.max(seconds, 0), 120) * 1000;
	const date = Date.parse(String(v));
	return Number.isNaN(date) ? fallbackMs : Math.min(Math.max(date - Date.now(), 0), 120_000);
}

/** Exponential backoff with full jitter in its upper half. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
	const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return exp / 2 + Math.random() * (exp / 2);
}

/** TLS failures by what the user can check: Node's codes and OpenSSL's reasons. */
function tlsProblem(code: string, message: string): string | undefined {
	if (/wrong version number|EPROTO|packet length too long/i.test(`${code} ${message}`)) return 'TLS failed: the server answered plain http where https was asked (use http:// or the https port)';
	if (/CERT_HAS_EXPIRED/.test(code)) return "TLS failed: the server's certificate has expired";
	if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED/.test(code)) return "TLS failed: the server's certificate is not signed by an authority this machine trusts (self-signed or a missing intermediate)";
	if (/ERR_TLS_CERT_ALTNAME_INVALID/.test(code)) return "TLS failed: the server's certificate is for another host name";
	if (/^ERR_SSL|^ERR_TLS|SSL routines|handshake/i.test(`${code} ${message}`)) return `TLS failed (${code || 'handshake'})`;
	return undefined;
}

/** In words, not codes: n8n replaces messages holding a code such as ECONNREFUSED by a generic text. */
function networkProblem(code: string, timedOut: boolean, message = ''): string {
	if (timedOut) return 'no answer before the timeout';
	const tls = tlsProblem(code, message);
	if (tls) return tls;
	if (/stream has been aborted|socket hang up|premature close/i.test(message)) return 'connection reset in the middle of the answer';
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused (is the server running?)';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host name not found';
		case 'ECONNRESET':
		case 'EPIPE':
			return 'connection reset';
		default:
			return 'network error';
	}
}

/** The request may or may not have been processed: the caller decides whether to check and retry. */
export class UnknownOutcomeError extends NodeApiError {}

/** The caller's redaction, always followed by URL userinfo removal. */
function redactorOf(o: Pick<ExchangeOptions, 'redact'>): (text: string) => string {
	return (t: string) => redactUrlUserinfo(o.redact ? o.redact(t) : t);
}

/** The error's response body, shown by n8n beside the message: redacted like the message. */
function redactedBody(body: JsonObject, redact: (text: string) => string): JsonObject {
	return JSON.parse(redact(JSON.stringify(body))) as JsonObject;
}

export function apiError(ctx: AnyContext, o: Pick<ExchangeOptions, 'redact' | 'itemIndex'>, message: string, description: string, httpCode?: number, body: JsonObject = {}): NodeApiError {
	const redact = redactorOf(o);
	return new NodeApiError(ctx.getNode(), redactedBody(body, redact), {
		message: redact(message),
		description: redact(description),
		httpCode: httpCode ? String(httpCode) : undefined,
		itemIndex: o.itemIndex,
	});
}

function unknownOutcome(ctx: AnyContext, o: Pick<ExchangeOptions, 'redact' | 'itemIndex'>, message: string, description: string, httpCode?: number, body: JsonObject = {}): NodeApiError {
	const redact = redactorOf(o);
	return new UnknownOutcomeError(ctx.getNode(), redactedBody(body, redact), {
		message: redact(message),
		description: redact(description),
		httpCode: httpCode ? String(httpCode) : undefined,
		itemIndex: o.itemIndex,
	});
}

/** The title of an HTML page given where JSON was expected ('' without one); undefined when the body is not HTML. */
function htmlTitle(body: unknown): string | undefined {
	if (typeof body !== 'string' || !/^\s*(<!doctype html|<html|<head|<body|<\?xml|<[a-z]+[\s>])/i.test(body)) return undefined;
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(body)?.[1] ?? '';
	return title.replace(/\s+/g, ' ').trim().slice(0, 80);
}

/** A redirect, said with where it leads (its host and path; never its query, which may carry a token). */
function redirected(ctx: AnyContext, o: ExchangeOptions, status: number, location: string | string[] | undefined): NodeApiError {
	const to = Array.isArray(location) ? location[0] : location;
	let where = 'another address';
	try {
		const u = new URL(String(to ?? ''), o.baseUrl);
		where = `${u.host}${u.pathname === '/' ? '' : u.pathname}${u.protocol === 'https:' && o.baseUrl.startsWith('http:') ? ' (https)' : ''}`;
	} catch {
		// no usable Location: said as "another address"
	}
	return apiError(
		ctx,
		o,
		`${o.service} answered a redirect (HTTP ${status}) to ${where} at ${o.baseUrl}: not followed`,
		`${o.what}: a request carrying the credential is never sent on to another address. If ${where} is where ${o.service}'s API now lives, put that address in the credential; a redirect to a login page means a proxy or single sign-on stands in front of the API.`,
		status,
		{ status },
	);
}

/** A call not sent: the server was found silent earlier in this execution. */
function silentAlready(ctx: AnyContext, o: ExchangeOptions, g: NonNullable<ServerSilence['gaveUp']>): NodeApiError {
	return apiError(
		ctx,
		o,
		`${o.service} was not called at ${o.baseUrl}: it did not answer earlier in this execution (${g.problem})`,
		`${o.what} was not sent: ${g.what} found ${o.service} ${g.seconds ? `silent for ${g.seconds} s` : 'out of reach'} earlier in this execution. The next run tries again.`,
		undefined,
		{ networkError: g.networkError, silent: true },
	);
}

const UNKNOWN_NOTE = 'the request may or may not have been processed, so it was not sent again. Check before re-running.';

/** Sends one request under the retry policy; returns the response whatever its status, unless it is a proxy or network failure. */
export async function exchange(ctx: AnyContext, request: IHttpRequestOptions, o: ExchangeOptions): Promise<FullResponse> {
	const policy = o.policy ?? defaultRetryPolicy;
	const redact = redactorOf(o);
	const silence = o.silence ?? {};
	const budgetMs = Math.max(o.budgetMs ?? Number.POSITIVE_INFINITY, o.timeoutMs);
	if (silence.gaveUp) throw silentAlready(ctx, o, silence.gaveUp);
	/** The budget left; the first try of a call after an answer always has its full timeout. */
	const left = () => (silence.since === undefined ? budgetMs : budgetMs - (Date.now() - silence.since));
	/** Whether a retry after `delayMs` still fits the budget (with at least a second to wait for an answer). */
	const fits = (delayMs: number) => left() - delayMs >= 1000;
	const giveUp = (attempts: number, problem: string, networkError: string, detail: string): NodeApiError => {
		const seconds = Math.round((Date.now() - (silence.since ?? Date.now())) / 1000);
		silence.gaveUp = { what: o.what, problem, networkError, seconds, at: Date.now() };
		return apiError(
			ctx,
			o,
			`${o.service} did not answer at ${o.baseUrl} for ${seconds} s: ${problem}`,
			`${o.what}: tried ${attempts} time${attempts === 1 ? '' : 's'}; each try waits up to ${Math.round(o.timeoutMs / 1000)} s and the tries together up to ${Math.round(budgetMs / 1000)} s (Request Timeout and Time Budget of the credential). The later steps of this execution do not call ${o.service} again. ${redact(detail)}`.trim(),
			undefined,
			{ networkError, silent: true, detail: redact(detail) },
		);
	};
	for (let attempt = 0; ; attempt++) {
		const last = attempt >= policy.retries;
		await o.beforeAttempt?.();
		let res: FullResponse;
		const timeout = Math.max(1000, Math.min(o.timeoutMs, left()));
		const attemptStart = Date.now();
		try {
			if (o.stats) o.stats.requests++;
			// The client's timeout is an idle timeout: a server dripping a byte a second never trips it. The
			// attempt as a whole ends at its timeout (plus a second, so the usual timeout is the client's own).
			const deadline = AbortSignal.timeout(timeout + 1000);
			const options: IHttpRequestOptions = { ...request, json: true, timeout, returnFullResponse: true, ignoreHttpStatusErrors: true, disableFollowRedirect: true, abortSignal: deadline };
			const overdue = new Promise<never>((_resolve, reject) => {
				deadline.addEventListener('abort', () => reject(Object.assign(new Error(`timeout of ${timeout} ms exceeded: the answer did not finish`), { code: 'ECONNABORTED' })), { once: true });
			});
			overdue.catch(() => undefined);
			// n8n replaces the signal by the execution's own on authenticated requests: those are left to finish unread.
			const sent = (o.credentialType
				? ctx.helpers.httpRequestWithAuthentication.call(ctx, o.credentialType, options)
				: ctx.helpers.httpRequest(options)) as Promise<FullResponse>;
			sent.catch(() => undefined);
			try {
				res = await Promise.race([sent, overdue]);
			} finally {
				o.afterAttempt?.();
			}
		} catch (error) {
			// httpRequestWithAuthentication wraps network errors in a NodeApiError whose httpCode is the network code.
			let wrapped: { code: string; message: string } | undefined;
			if (error instanceof NodeApiError) {
				if (!error.httpCode || /^\d+$/.test(error.httpCode)) throw passOn(ctx.getNode(), error);
				wrapped = { code: error.httpCode, message: error.messages?.[0] ?? error.message };
			}
			const e = (wrapped ?? error) as { code?: string; message?: string };
			const code = String(e.code ?? '');
			const timedOut = code === 'ECONNABORTED' || /timeout/i.test(String(e.message));
			const tls = tlsProblem(code, String(e.message ?? ''));
			// A TLS failure is the same on every try: nothing was sent, and trying again cannot help.
			const unknown = !NOT_SENT.has(code) && !tls;
			const safe = !tls && (!unknown || (o.idempotent && (UNKNOWN_OUTCOME.has(code) || timedOut || /socket hang up|stream has been aborted|premature close/i.test(String(e.message)))));
			const hopeless = o.contact?.reached === false && !unknown;
			silence.since ??= attemptStart;
			const delay = backoffMs(attempt, policy);
			if (safe && !last && !hopeless && fits(delay)) {
				if (o.stats) o.stats.retries++;
				await sleep(delay);
				continue;
			}
			const problem = networkProblem(code, timedOut, String(e.message ?? ''));
			if (safe && !hopeless) throw giveUp(attempt + 1, problem, code, String(e.message ?? ''));
			if (hopeless || tls) silence.gaveUp = { what: o.what, problem, networkError: code, seconds: 0, at: Date.now() };
			const make = unknown && !o.idempotent ? unknownOutcome : apiError;
			throw make(
				ctx,
				o,
				`${o.service} could not be reached at ${o.baseUrl}: ${problem}`,
				unknown && !o.idempotent
					? `${o.what}: ${UNKNOWN_NOTE}`
					: tls
						? `${o.what}: check the URL (http or https, and the port) in the credential; nothing was sent.`
						: hopeless
						? `${o.what}: check the URL in the credential and that the server is running. ${redact(String(e.message ?? ''))}`
						: `${o.what}: gave up after ${attempt + 1} attempts. ${redact(String(e.message ?? ''))}`,
				undefined,
				// Not `code`: NodeApiError would replace our message by a generic one.
				{ networkError: code, detail: redact(String(e.message ?? '')) },
			);
		}
		const status = res.statusCode;
		// A redirect is never followed: the request carries a password or token, and the address is the credential's to say.
		if (status >= 300 && status < 400) throw redirected(ctx, o, status, res.headers.location);
		const own = o.isServiceError?.(status, res.body) ?? false;
		const page = htmlTitle(res.body);
		// A proxy's 502/503/504 is not the server's answer: its silence goes on.
		const proxySilence = status >= 502 && status <= 504 && !own;
		if (proxySilence) silence.since ??= attemptStart;
		else silence.since = undefined;
		if (status === 429 && !last) {
			if (o.stats) o.stats.retries++;
			await sleep(retryAfterMs(res.headers['retry-after'], backoffMs(attempt, policy)));
			continue;
		}
		if (status === 503 || (status >= 500 && !own && o.idempotent)) {
			const delay = backoffMs(attempt, policy);
			if (!last && (!proxySilence || fits(delay))) {
				if (o.stats) o.stats.retries++;
				await sleep(delay);
				continue;
			}
			if (proxySilence)
				throw giveUp(attempt + 1, `every try was answered HTTP ${status}${page !== undefined ? `, an HTML page${page ? ` ("${page}")` : ''}` : ''} (${status === 503 ? 'unavailable' : 'a proxy without an answer from the server'})`, `HTTP_${status}`, '');
		}
		if (status >= 400 && !own) {
			throw (status >= 500 && !o.idempotent ? unknownOutcome : apiError)(
				ctx,
				o,
				`${o.service} answered HTTP ${status} at ${o.baseUrl}`,
				status >= 500 && !o.idempotent ? `${o.what}: ${UNKNOWN_NOTE}` : `${o.what}: ${redact(JSON.stringify(res.body ?? '')).slice(0, 500)}`,
				status,
				{ status },
			);
		}
		if (page !== undefined && status < 400)
			throw apiError(
				ctx,
				o,
				`${o.service} answered an HTML page${page ? ` ("${page}")` : ''} where JSON was expected at ${o.baseUrl}`,
				`${o.what}: a login page, a proxy's page or a web site answered instead of ${o.service}'s API. Check the URL in the credential: it should be the address of ${o.service}'s API, reachable without a browser login.`,
				status,
				{ status },
			);
		if (o.contact) o.contact.reached = true;
		return res;
	}
}
