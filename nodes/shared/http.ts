/**
 * One HTTP exchange with retries, shared by the Odoo, Codeplus and Procountor transports.
 * 429 and 503 mean the request was turned away before it ran, so they are always retried
 * (429 after Retry-After). A reset, timeout, 502 or 504 leaves the outcome unknown: only
 * requests that are safe to repeat are sent again. Network errors never leak secrets.
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
	/** Counts attempts, for tests and benchmarks. */
	stats?: { requests: number; retries: number };
	/** Before each attempt: a transport may pace itself here (rate limits). */
	beforeAttempt?: () => Promise<void>;
	/** After each attempt, whatever its outcome. */
	afterAttempt?: () => void;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const UNKNOWN_OUTCOME = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/**
 * The server refused the connection (down, restarting) even after the retries: nothing was sent.
 * Trying the same work again in smaller pieces cannot help; the next run can.
 */
export function isUnreachable(error: unknown): boolean {
	const code = error instanceof NodeApiError ? (error.errorResponse as JsonObject | undefined)?.networkError : undefined;
	return typeof code === 'string' && NOT_SENT.has(code);
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

/** In words, not codes: n8n replaces messages holding a code such as ECONNREFUSED by a generic text. */
function networkProblem(code: string, timedOut: boolean): string {
	if (timedOut) return 'no answer before the timeout';
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

const UNKNOWN_NOTE = 'the request may or may not have been processed, so it was not sent again. Check before re-running.';

/** Sends one request under the retry policy; returns the response whatever its status, unless it is a proxy or network failure. */
export async function exchange(ctx: AnyContext, request: IHttpRequestOptions, o: ExchangeOptions): Promise<FullResponse> {
	const policy = o.policy ?? defaultRetryPolicy;
	const redact = redactorOf(o);
	for (let attempt = 0; ; attempt++) {
		const last = attempt >= policy.retries;
		await o.beforeAttempt?.();
		let res: FullResponse;
		try {
			if (o.stats) o.stats.requests++;
			const options: IHttpRequestOptions = { ...request, json: true, timeout: o.timeoutMs, returnFullResponse: true, ignoreHttpStatusErrors: true };
			try {
				res = (o.credentialType
					? await ctx.helpers.httpRequestWithAuthentication.call(ctx, o.credentialType, options)
					: await ctx.helpers.httpRequest(options)) as FullResponse;
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
			const unknown = !NOT_SENT.has(code);
			const safe = !unknown || (o.idempotent && (UNKNOWN_OUTCOME.has(code) || timedOut || /socket hang up/i.test(String(e.message))));
			const hopeless = o.contact?.reached === false && !unknown;
			if (safe && !last && !hopeless) {
				if (o.stats) o.stats.retries++;
				await sleep(backoffMs(attempt, policy));
				continue;
			}
			const make = unknown && !o.idempotent ? unknownOutcome : apiError;
			throw make(
				ctx,
				o,
				`${o.service} could not be reached at ${o.baseUrl}: ${networkProblem(code, timedOut)}`,
				unknown && !o.idempotent
					? `${o.what}: ${UNKNOWN_NOTE}`
					: hopeless
						? `${o.what}: check the URL in the credential and that the server is running. ${redact(String(e.message ?? ''))}`
						: `${o.what}: gave up after ${attempt + 1} attempts. ${redact(String(e.message ?? ''))}`,
				undefined,
				// Not `code`: NodeApiError would replace our message by a generic one.
				{ networkError: code, detail: redact(String(e.message ?? '')) },
			);
		}
		const status = res.statusCode;
		if ((status === 429 || status === 503) && !last) {
			if (o.stats) o.stats.retries++;
			await sleep(status === 429 ? retryAfterMs(res.headers['retry-after'], backoffMs(attempt, policy)) : backoffMs(attempt, policy));
			continue;
		}
		const own = o.isServiceError?.(status, res.body) ?? false;
		if (status >= 500 && !own && o.idempotent && !last) {
			if (o.stats) o.stats.retries++;
			await sleep(backoffMs(attempt, policy));
			continue;
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
		if (o.contact) o.contact.reached = true;
		return res;
	}
}
