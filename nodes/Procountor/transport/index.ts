/**
 * The only place that talks to Procountor: the credential's token (refreshed by n8n on 401),
 * a client-side limit below Procountor's 20 requests per second shared by every execution of
 * the process for the same API client, retries, and Procountor's errors[] as NodeApiError.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { procountorBaseUrl } from '../../../credentials/ProcountorApi.credentials';
import { type AnyContext, type FullResponse, apiError, exchange } from '../../shared/http';

/** Requests started in any rolling window, per API client. */
export class RateLimiter {
	private readonly starts: number[] = [];
	private queue: Promise<void> = Promise.resolve();

	constructor(
		readonly perWindow: number,
		readonly windowMs: number,
	) {}

	/** Resolves when one more request may start; callers are served in order. */
	acquire(): Promise<void> {
		const turn = this.queue.then(async () => {
			for (;;) {
				const now = Date.now();
				while (this.starts.length && this.starts[0] <= now - this.windowMs) this.starts.shift();
				if (this.starts.length < this.perWindow) {
					this.starts.push(now);
					return;
				}
				await new Promise((r) => setTimeout(r, this.starts[0] + this.windowMs - now + 1));
			}
		});
		this.queue = turn.catch(() => undefined);
		return turn;
	}
}

/** 19 per 1.05 s: under 20 in any one-second window even counting the token request, and ~18/s sustained. */
const limiters = new Map<string, RateLimiter>();
export function limiterFor(clientId: string): RateLimiter {
	let l = limiters.get(clientId);
	if (!l) limiters.set(clientId, (l = new RateLimiter(19, 1050)));
	return l;
}

interface ProcountorErrorBody {
	errors?: Array<{ status?: number; field?: string; message?: string }>;
}

export interface RequestOptions {
	qs?: IDataObject;
	body?: IDataObject;
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
	) {}

	static async fromContext(ctx: AnyContext): Promise<ProcountorClient> {
		const c = await ctx.getCredentials('procountorApi');
		const secrets = [c.clientSecret, c.apiKey, c.accessToken].map((s) => String(s ?? '')).filter((s) => s.length > 3);
		return new ProcountorClient(ctx, procountorBaseUrl(c), limiterFor(String(c.clientId ?? '')), secrets);
	}

	private redact(text: string): string {
		return this.secrets.reduce((t, s) => t.split(s).join('***'), text);
	}

	async request<T = IDataObject>(method: IHttpRequestMethods, path: string, o: RequestOptions = {}): Promise<T> {
		const idempotent = o.idempotent ?? method === 'GET';
		const request = { method, url: `${this.baseUrl}${path}`, qs: o.qs, body: o.body };
		const common = {
			service: 'Procountor',
			baseUrl: this.baseUrl,
			idempotent,
			what: `${method} ${path}`,
			timeoutMs: 60_000,
			itemIndex: o.itemIndex,
			credentialType: 'procountorApi',
			redact: (t: string) => this.redact(t),
			isServiceError: (status: number, body: unknown) => status < 500 && (status === 401 || Array.isArray((body as ProcountorErrorBody)?.errors)),
			stats: this.stats,
			beforeAttempt: () => this.limiter.acquire(),
		};
		let res: FullResponse = await exchange(this.ctx, request, common);
		if (res.statusCode === 401) {
			// The token expired: a 401 means nothing ran. Sent once more letting n8n see the 401,
			// which makes it fetch a new token (preAuthentication) and repeat the request.
			await this.limiter.acquire();
			try {
				this.stats.requests++;
				res = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, 'procountorApi', {
					...request,
					json: true,
					timeout: 60_000,
					returnFullResponse: true,
				})) as FullResponse;
			} catch (error) {
				if (!(error instanceof NodeApiError) || !/^\d+$/.test(String(error.httpCode))) throw error;
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
	async getAll(path: string, qs: IDataObject = {}, limit = Infinity, itemIndex?: number): Promise<IDataObject[]> {
		const out: IDataObject[] = [];
		for (let page = 0; ; page++) {
			const res = await this.request<{ results?: IDataObject[]; meta?: { totalCount?: number } }>('GET', path, { qs: { ...qs, page, size: 200 }, itemIndex });
			out.push(...(res.results ?? []));
			if (out.length >= limit) return out.slice(0, limit);
			if (!res.results?.length || (page + 1) * 200 >= (res.meta?.totalCount ?? 0)) return out;
		}
	}
}
