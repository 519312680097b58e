/**
 * What every sandbox shares: a loopback HTTP server with JSON bodies, configurable latency
 * and fault injection, a request counter, and control endpoints under `/__sandbox/`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Before the handler: 502, 429, reset (connection dropped), hang (no answer until the socket is
 * destroyed): the request never ran. After the handler ran and its work is kept — the answer
 * is lost: lost-reset (connection dropped), lost-502 and lost-504 (a proxy's error page).
 * echo: an error whose text repeats the request — its Authorization header and body — as careless
 * servers and debugging proxies do; whatever secret the client sent comes back to it.
 */
export type FaultKind = '502' | '429' | 'reset' | 'hang' | 'lost-reset' | 'lost-502' | 'lost-504' | 'echo';

export const LOST_ANSWER_KINDS: FaultKind[] = ['lost-reset', 'lost-502', 'lost-504'];

export interface FaultConfig {
	/** Fixed delay before every answer, in milliseconds. */
	delayMs: number;
	/** Share of requests (0..1) that meet one of `kinds`: refused before being processed, or processed and their answer lost. */
	rate: number;
	/** Only requests whose "METHOD path body" matches this regular expression meet faults (all when empty). */
	only: string;
	/** At most this many faults are injected, then requests pass (0: no limit). */
	limit: number;
	kinds: FaultKind[];
	/** Seconds announced in Retry-After on 429. */
	retryAfterSeconds: number;
	/** How long a hung request is held before the socket is destroyed. */
	hangMs: number;
	/** Seed of the deterministic generator deciding which requests fail. */
	seed: number;
}

export const defaultFaults = (): FaultConfig => ({
	delayMs: 0,
	rate: 0,
	only: '',
	limit: 0,
	kinds: ['502', '429', 'reset', 'hang'],
	retryAfterSeconds: 1,
	hangMs: 15_000,
	seed: 1,
});

/** Mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class RequestCounter {
	private counts = new Map<string, number>();
	total = 0;

	add(key: string): void {
		this.total++;
		this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
	}

	get(prefix = ''): number {
		if (!prefix) return this.total;
		let n = 0;
		for (const [k, v] of this.counts) if (k === prefix || k.startsWith(prefix + '/')) n += v;
		return n;
	}

	snapshot(): Record<string, number> {
		return Object.fromEntries([...this.counts.entries()].sort());
	}

	reset(): void {
		this.counts.clear();
		this.total = 0;
	}
}

export interface JsonReply {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export interface SandboxRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	rawBody: string;
	body: unknown;
}

export type Handler = (req: SandboxRequest) => Promise<JsonReply> | JsonReply;

export class SandboxHttpServer {
	readonly counter = new RequestCounter();
	faults: FaultConfig = defaultFaults();
	/** Faults injected so far, by kind: tests use it to prove a storm actually happened. */
	readonly injected: Record<FaultKind, number> = { '502': 0, '429': 0, reset: 0, hang: 0, 'lost-reset': 0, 'lost-502': 0, 'lost-504': 0, echo: 0 };
	private random = rng(1);
	private server?: http.Server;
	private hung = new Set<http.ServerResponse>();
	private sockets = new Set<import('node:net').Socket>();

	constructor(
		private readonly name: string,
		private readonly handler: Handler,
		/** Extra control routes of the concrete sandbox (reset state, record a payment...). */
		private readonly control: (req: SandboxRequest) => JsonReply | undefined = () => undefined,
		/** The body of an injected 502 or 429, in the service's own error format. */
		private readonly faultBody: (kind: '502' | '429') => unknown = (kind) => ({ error: kind === '429' ? 'Too Many Requests' : 'Bad Gateway' }),
		/** An error answer carrying `text` (the echoed request), in the service's own format. */
		private readonly echoReply: (text: string, req: SandboxRequest) => JsonReply = (text) => ({ status: 400, body: { error: text } }),
	) {}

	/** Faults injected before the current configuration: `limit` counts from here. */
	private injectedBefore = 0;

	setFaults(partial: Partial<FaultConfig>): void {
		this.faults = { ...this.faults, ...partial };
		this.random = rng(this.faults.seed);
		this.injectedBefore = Object.values(this.injected).reduce((a, b) => a + b, 0);
	}

	clearFaults(): void {
		this.setFaults(defaultFaults());
	}

	async listen(port = 0, host = '127.0.0.1'): Promise<string> {
		this.server = http.createServer((req, res) => void this.onRequest(req, res));
		this.server.keepAliveTimeout = 5_000;
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, host, () => resolve());
		});
		return this.url;
	}

	get url(): string {
		const addr = this.server?.address() as AddressInfo | null;
		if (!addr) throw new Error(`${this.name} sandbox is not listening`);
		return `http://127.0.0.1:${addr.port}`;
	}

	async close(): Promise<void> {
		for (const res of this.hung) res.destroy();
		this.hung.clear();
		for (const s of this.sockets) s.destroy();
		if (!this.server) return;
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	/** Requests being answered now, and the most at once since the start (a client's parallelism, seen from here). */
	inFlight = 0;
	peakConcurrency = 0;

	private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		this.inFlight++;
		this.peakConcurrency = Math.max(this.peakConcurrency, this.inFlight);
		try {
			await this.answer(req, res);
		} finally {
			this.inFlight--;
		}
	}

	private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const rawBody = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url ?? '/', 'http://sandbox');
		let body: unknown = undefined;
		const ctype = String(req.headers['content-type'] ?? '');
		if (rawBody) {
			if (ctype.includes('application/x-www-form-urlencoded')) {
				body = Object.fromEntries(new URLSearchParams(rawBody));
			} else {
				try {
					body = JSON.parse(rawBody);
				} catch {
					body = undefined;
				}
			}
		}
		const sreq: SandboxRequest = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: url.searchParams,
			headers: req.headers,
			rawBody,
			body,
		};

		if (sreq.path.startsWith('/__sandbox/')) {
			const reply = this.builtinControl(sreq) ?? this.control(sreq) ?? { status: 404, body: { error: 'unknown control route' } };
			return this.send(res, reply);
		}

		if (this.faults.delayMs > 0) await new Promise((r) => setTimeout(r, this.faults.delayMs));

		const spent = this.faults.limit > 0 && Object.values(this.injected).reduce((a, b) => a + b, 0) - this.injectedBefore >= this.faults.limit;
		const eligible = !spent && (!this.faults.only || new RegExp(this.faults.only).test(`${sreq.method} ${sreq.path} ${rawBody}`));
		const kind = eligible && this.faults.rate > 0 && this.faults.kinds.length && this.random() < this.faults.rate ? this.faults.kinds[Math.floor(this.random() * this.faults.kinds.length)] : undefined;
		if (kind) {
			this.injected[kind]++;
			switch (kind) {
				case '502':
					return this.send(res, { status: 502, body: this.faultBody('502') });
				case '429':
					return this.send(res, {
						status: 429,
						body: this.faultBody('429'),
						headers: { 'Retry-After': String(this.faults.retryAfterSeconds) },
					});
				case 'reset':
					req.socket.destroy();
					return;
				case 'echo':
					return this.send(res, this.echoReply(`cannot process ${sreq.method} ${sreq.path} (Authorization: ${String(req.headers.authorization ?? '-')}): ${rawBody}`, sreq));
				case 'hang':
					this.hung.add(res);
					setTimeout(() => {
						this.hung.delete(res);
						res.destroy();
					}, this.faults.hangMs).unref();
					return;
			}
		}

		let reply: JsonReply;
		try {
			reply = await this.handler(sreq);
		} catch (e) {
			reply = { status: 500, body: { error: `sandbox ${this.name} crashed: ${(e as Error).stack ?? e}` } };
		}
		// The work is done and kept; only its answer is lost on the way back.
		if (kind === 'lost-reset') return void req.socket.destroy();
		if (kind === 'lost-502' || kind === 'lost-504') {
			return this.send(res, { status: Number(kind.slice(5)), body: kind === 'lost-502' ? this.faultBody('502') : { error: 'Gateway Timeout' } });
		}
		this.send(res, reply);
	}

	private builtinControl(req: SandboxRequest): JsonReply | undefined {
		switch (`${req.method} ${req.path}`) {
			case 'GET /__sandbox/stats':
				return { status: 200, body: { total: this.counter.total, counts: this.counter.snapshot(), injected: this.injected } };
			case 'POST /__sandbox/stats/reset':
				this.counter.reset();
				return { status: 200, body: { ok: true } };
			case 'POST /__sandbox/faults':
				this.setFaults((req.body ?? {}) as Partial<FaultConfig>);
				return { status: 200, body: this.faults };
			default:
				return undefined;
		}
	}

	private send(res: http.ServerResponse, reply: JsonReply): void {
		if (res.destroyed) return;
		const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
		res.writeHead(reply.status, {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Length': Buffer.byteLength(text),
			// On the sandbox's clock, as a real server's Date is on the clock its records are stamped with.
			Date: new Date().toUTCString(),
			...(reply.headers ?? {}),
		});
		res.end(text);
	}
}
