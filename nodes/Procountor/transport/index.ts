/**
 * The only place that talks to Procountor: the credential's token (refreshed by n8n on 401),
 * a client-side limit below Procountor's 20 requests per second shared by every execution of
 * the process for the same API client, retries, and Procountor's errors[] as NodeApiError.
 */
import type { IDataObject, IHttpRequestMethods, INode } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { procountorBaseUrl } from '../../../credentials/ProcountorApi.credentials';
import { type AnyContext, type FullResponse, type ServerSilence, apiError, exchange, secondsField, silenceFor } from '../../shared/http';
import { redactSecrets, refuseUserinfo } from '../../shared/redact';
import { passOn } from '../../shared/items';

/** A request's place in the window: stamped when it starts, and again when it completes. */
export interface Slot {
	t: number;
}

/**
 * Requests in any rolling window, per API client. A request is stamped when it completes,
 * which is never earlier than when Procountor saw it, so the count holds on Procountor's side
 * even when a request is delayed after its slot was taken (n8n fetching a token first).
 */
export class RateLimiter {
	private slots: Slot[] = [];
	private queue: Promise<void> = Promise.resolve();

	constructor(
		readonly perWindow: number,
		readonly windowMs: number,
	) {}

	/** Resolves with `n` slots when they fit in the window; callers are served in order. */
	acquire(n = 1): Promise<Slot[]> {
		const turn = this.queue.then(async () => {
			for (;;) {
				const now = Date.now();
				this.slots = this.slots.filter((s) => s.t > now - this.windowMs).sort((a, b) => a.t - b.t);
				if (this.slots.length + n <= this.perWindow) {
					const mine = Array.from({ length: n }, () => ({ t: now }));
					this.slots.push(...mine);
					return mine;
				}
				const freeing = this.slots[this.slots.length + n - this.perWindow - 1];
				await sleep(freeing.t + this.windowMs - now + 1);
			}
		});
		this.queue = turn.then(
			() => undefined,
			() => undefined,
		);
		return turn;
	}

	/** Marks the slots' requests as completed now. */
	complete(slots: Slot[]): void {
		const now = Date.now();
		for (const s of slots) s.t = Math.max(s.t, now);
	}
}

/**
 * One limiter per API client and limit: one request fewer than the limit per 1.03 s, so the
 * count holds on Procountor's side too (20 per second: 19 per 1.03 s, about 18 sustained).
 */
const limiters = new Map<string, RateLimiter>();
export function limiterFor(clientId: string, perSecond = 20): RateLimiter {
	const key = `${clientId}\u0000${perSecond}`;
	let l = limiters.get(key);
	if (!l) limiters.set(key, (l = new RateLimiter(Math.max(1, perSecond - 1), 1030)));
	return l;
}

interface ProcountorErrorBody {
	errors?: Array<{ status?: number; field?: string; message?: string }>;
}

export interface RequestOptions {
	qs?: IDataObject;
	body?: IDataObject;
	/** Searches Procountor takes in headers (business partners by name or identifier). */
	headers?: Record<string, string>;
	idempotent?: boolean;
	itemIndex?: number;
}

export class ProcountorClient {
	readonly stats = { requests: 0, retries: 0 };

	private constructor(
		private readonly ctx: AnyContext,
		readonly baseUrl: string,
		private readonly limiter: RateLimiter,
		private readonly secrets: string[],
		/** No token yet: n8n fetches one before the first request, which the limit must count. */
		private tokenPending: boolean,
		private readonly timeoutMs: number,
		private readonly budgetMs: number,
	) {
		this.silence = silenceFor(ctx, 'Procountor', baseUrl);
	}

	/** Procountor's silence as seen by this execution's steps. */
	private readonly silence: ServerSilence;

	/** The node this client works for: errors are the node's. */
	get node(): INode {
		return this.ctx.getNode();
	}

	static async fromContext(ctx: AnyContext): Promise<ProcountorClient> {
		const c = await ctx.getCredentials('procountorApi');
		const secrets = [c.clientSecret, c.apiKey, c.accessToken].map((s) => String(s ?? '')).filter((s) => s.length > 3);
		const baseUrl = procountorBaseUrl(c);
		refuseUserinfo(ctx, baseUrl, 'Custom URL of the Procountor API credential', 'Procountor takes the client ID, client secret and API key in their own fields of the credential.');
		const perSecond = Number(c.requestsPerSecond ?? 20);
		return new ProcountorClient(ctx, baseUrl, limiterFor(String(c.clientId ?? ''), Number.isFinite(perSecond) && perSecond >= 1 ? Math.floor(perSecond) : 20),
			secrets,
			!c.accessToken,
			secondsField(c.timeoutSeconds, 60),
			secondsField(c.budgetSeconds, 120),
		);
	}

	/** Until Procountor first answers, a refused connection fails at once. */
	private readonly contact = { reached: false };

	private redact(text: string): string {
		return redactSecrets(text, this.secrets);
	}

	async request<T = IDataObject>(method: IHttpRequestMethods, path: string, o: RequestOptions = {}): Promise<T> {
		const idempotent = o.idempotent ?? method === 'GET';
		// Never a body on a GET: Procountor's gateway refuses it.
		const request = { method, url: `${this.baseUrl}${path}`, qs: o.qs, ...(method === 'GET' || o.body === undefined ? {} : { body: o.body }), ...(o.headers ? { headers: o.headers } : {}) };
		let held: Slot[] = [];
		const common = {
			service: 'Procountor',
			baseUrl: this.baseUrl,
			idempotent,
			what: `${method} ${path}`,
			timeoutMs: this.timeoutMs,
			budgetMs: this.budgetMs,
			silence: this.silence,
			itemIndex: o.itemIndex,
			credentialType: 'procountorApi',
			redact: (t: string) => this.redact(t),
			isServiceError: (status: number, body: unknown) => status < 500 && (status === 401 || Array.isArray((body as ProcountorErrorBody)?.errors)),
			stats: this.stats,
			contact: this.contact,
			beforeAttempt: async () => {
				const n = this.tokenPending ? 2 : 1;
				this.tokenPending = false;
				held = await this.limiter.acquire(n);
			},
			afterAttempt: () => this.limiter.complete(held),
		};
		let res: FullResponse = await exchange(this.ctx, request, common);
		if (res.statusCode === 401) {
			// The token expired: a 401 means nothing ran. Sent once more letting n8n see the 401,
			// which makes it fetch a new token (preAuthentication) and repeat the request: three requests.
			const three = await this.limiter.acquire(3);
			try {
				this.stats.requests++;
				res = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, 'procountorApi', {
					...request,
					json: true,
					timeout: 60_000,
					returnFullResponse: true,
				})) as FullResponse;
				this.limiter.complete(three);
			} catch (error) {
				this.limiter.complete(three);
				if (!(error instanceof NodeApiError) || !/^\d+$/.test(String(error.httpCode))) throw passOn(this.node, error);
				res = { statusCode: Number(error.httpCode), headers: {}, body: (error.context?.data as unknown) ?? {} };
				if (res.statusCode === 429 || res.statusCode >= 500) res = await exchange(this.ctx, request, common);
			}
		}
		if (res.statusCode >= 400) {
			const errors = (res.body as ProcountorErrorBody)?.errors ?? [];
			const first = errors[0] ?? {};
			const detail = errors.map((e) => `${e.field ? `${e.field}: ` : ''}${e.message ?? ''}`).join('; ');
			const hint = res.statusCode === 401 ? ' Check the client ID, client secret and API key.' : res.statusCode === 403 ? ' (insufficient rights, or the invoice is in the wrong status)' : '';
			throw apiError(
				this.ctx,
				{ redact: (t) => this.redact(t), itemIndex: o.itemIndex },
				`Procountor: ${first.message ?? `HTTP ${res.statusCode}`}${first.field ? ` (${first.field})` : ''}`,
				`${method} ${path} answered ${res.statusCode}: ${detail}.${hint}`,
				res.statusCode,
				{ procountorErrors: errors.map((e) => ({ status: e.status ?? null, field: e.field ?? null, message: e.message ?? null })) },
			);
		}
		return res.body as T;
	}

	/** Every page of a list (size 200), or up to `limit` rows. */
	async getAll(path: string, qs: IDataObject = {}, limit = Infinity, itemIndex?: number, headers?: Record<string, string>): Promise<IDataObject[]> {
		const out: IDataObject[] = [];
		for (let page = 0; ; page++) {
			const res = await this.request<{ results?: IDataObject[]; meta?: { totalCount?: number } }>('GET', path, { qs: { ...qs, page, size: 200 }, itemIndex, headers });
			out.push(...(res.results ?? []));
			if (out.length >= limit) return out.slice(0, limit);
			if (!res.results?.length || (page + 1) * 200 >= (res.meta?.totalCount ?? 0)) return out;
		}
	}
}
