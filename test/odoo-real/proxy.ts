/**
 * A proxy in front of a real Odoo server: forwards every request as it came and hands each
 * exchange to its subclass (the contract recorder keeps them, the outage scenario counts them and
 * goes down on cue). Odoo's Date header is passed on: the package measures lock ages on Odoo's clock.
 */
import http from 'node:http';
import type net from 'node:net';
import { freePort } from './server';

export class ForwardingProxy {
	private server?: http.Server;
	private readonly sockets = new Set<net.Socket>();
	private port = 0;

	constructor(private readonly target: string) {}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Listens (again, on the same port after `down`). */
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

	/** Stops listening and drops its connections: new ones are refused. */
	async down(): Promise<void> {
		const s = this.server;
		this.server = undefined;
		if (!s) return;
		const closed = new Promise<void>((resolve) => s.close(() => resolve()));
		for (const sock of this.sockets) sock.destroy();
		await closed;
	}

	/** Each request, before it is forwarded. */
	protected onRequest(_url: string, _body: Buffer): void {}

	/** Each answered request (its method, path and headers as sent), with Odoo's answer as sent on and how long Odoo took. */
	protected onAnswer(_req: http.IncomingMessage, _body: Buffer, _status: number, _text: string, _res: http.ServerResponse, _ms: number): void {}

	private async forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
		const url = req.url ?? '/';
		this.onRequest(url, body);
		const started = Date.now();
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
		try {
			const r = await fetch(`${this.target}${url}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
			const text = await r.text();
			const date = r.headers.get('date');
			res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'application/json', ...(date ? { Date: date } : {}) });
			res.end(text);
			this.onAnswer(req, body, r.status, text, res, Date.now() - started);
		} catch (e) {
			res.writeHead(502);
			res.end((e as Error).message);
		}
	}
}
