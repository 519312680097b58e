/**
 * A proxy in front of the real Odoo that goes down on cue, as a server does when it crashes or is
 * restarted in the middle of a run: once the given number of order-creating calls has been
 * answered, it stops listening and drops its connections (new ones are refused), until `up()`.
 * It counts what passes by endpoint: JSON-2 or JSON-RPC (with the service and method).
 */
import http from 'node:http';
import type net from 'node:net';
import { freePort } from './server';

const ORDER_CALL = /"(create_from_ui|sync_from_ui)"/;

export class OutageProxy {
	private server?: http.Server;
	private readonly sockets = new Set<net.Socket>();
	private port = 0;
	private downAfter = Infinity;
	/** Order-creating calls answered since the last `failAfter`. */
	orderCalls = 0;
	/** Requests by endpoint: "json2" or "jsonrpc <service>.<method>" (for `object`, the model's method). */
	readonly seen = new Map<string, number>();

	constructor(private readonly target: string) {}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	async up(): Promise<void> {
		this.port ||= await freePort();
		this.server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => void this.forward(req, res, Buffer.concat(chunks)));
		});
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
	}

	/** Goes down right after answering the n-th order-creating call from now. */
	failAfter(n: number): void {
		this.orderCalls = 0;
		this.downAfter = n;
	}

	async down(): Promise<void> {
		this.downAfter = Infinity;
		const s = this.server;
		this.server = undefined;
		if (!s) return;
		const closed = new Promise<void>((resolve) => s.close(() => resolve()));
		for (const sock of this.sockets) sock.destroy();
		await closed;
	}

	private count(url: string, body: Buffer): void {
		let key = url.startsWith('/json/2/') ? 'json2' : url;
		if (url === '/jsonrpc') {
			try {
				const p = (JSON.parse(body.toString('utf8')) as { params: { service: string; method: string; args: unknown[] } }).params;
				key = p.service === 'object' ? `jsonrpc ${String(p.args[3])}.${String(p.args[4])}` : `jsonrpc ${p.service}.${p.method}`;
			} catch {
				key = 'jsonrpc ?';
			}
		}
		this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
	}

	private async forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
		this.count(req.url ?? '/', body);
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
		try {
			const r = await fetch(`${this.target}${req.url ?? '/'}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
			const text = await r.text();
			const date = r.headers.get('date');
			// Date too: the package measures lock ages on Odoo's clock.
			res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'application/json', ...(date ? { Date: date } : {}) });
			res.end(text);
			if (ORDER_CALL.test(body.toString('utf8')) && ++this.orderCalls >= this.downAfter) res.on('finish', () => void this.down());
		} catch (e) {
			res.writeHead(502);
			res.end((e as Error).message);
		}
	}
}
