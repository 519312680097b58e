/**
 * A mail server for the templates that send mail (n8n's Send Email node over SMTP): it speaks
 * enough SMTP for a client (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), refuses
 * mail from a client that did not log in with its user and password, and keeps what it received.
 * No TLS: it listens on 127.0.0.1 only, and tells the client so by not offering STARTTLS.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';

export interface ReceivedMail {
	from: string;
	to: string[];
	/** The message as sent (headers and body, MIME as the client made it). */
	data: string;
	/** Who logged in to send it. */
	user: string;
}

export class MailSandbox {
	readonly user = 'n8n-mail';
	/** New for every start, so tests can look for it where it must not be. */
	readonly password = `smtp-${randomBytes(12).toString('base64url')}`;
	received: ReceivedMail[] = [];
	/** Logins refused (a wrong password) and mail refused (no login). */
	refused = 0;
	private server?: net.Server;
	private readonly sockets = new Set<net.Socket>();
	private port = 0;

	async start(port = 0): Promise<string> {
		this.server = net.createServer((socket) => this.session(socket));
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, '127.0.0.1', () => resolve());
		});
		this.port = (this.server.address() as net.AddressInfo).port;
		return `smtp://127.0.0.1:${this.port}`;
	}

	async stop(): Promise<void> {
		// A client that keeps its connection open must not hold the stop up.
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	get host(): string {
		return '127.0.0.1';
	}

	get portNumber(): number {
		return this.port;
	}

	private session(socket: net.Socket): void {
		this.sockets.add(socket);
		socket.on('close', () => this.sockets.delete(socket));
		socket.setEncoding('utf8');
		let buffer = '';
		let user = '';
		let mail: { from: string; to: string[] } | undefined;
		let inData = false;
		let data: string[] = [];
		let authStep: 'login-user' | 'login-pass' | 'plain' | undefined;
		let loginUser = '';
		const say = (line: string) => socket.write(`${line}\r\n`);
		const check = (name: string, password: string) => {
			if (name === this.user && password === this.password) {
				user = name;
				say('235 2.7.0 Authentication successful');
			} else {
				this.refused++;
				say('535 5.7.8 Authentication credentials invalid');
			}
		};
		const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
		const line = (l: string) => {
			if (inData) {
				if (l === '.') {
					inData = false;
					this.received.push({ from: mail!.from, to: mail!.to, data: data.join('\r\n'), user });
					mail = undefined;
					data = [];
					say('250 2.0.0 Queued');
				} else data.push(l.startsWith('..') ? l.slice(1) : l);
				return;
			}
			if (authStep === 'login-user') {
				loginUser = b64(l);
				authStep = 'login-pass';
				return say(`334 ${Buffer.from('Password:').toString('base64')}`);
			}
			if (authStep === 'login-pass') {
				authStep = undefined;
				return check(loginUser, b64(l));
			}
			if (authStep === 'plain') {
				authStep = undefined;
				const [, name, password] = b64(l).split('\0');
				return check(name ?? '', password ?? '');
			}
			const [verb, ...rest] = l.split(' ');
			const arg = rest.join(' ');
			switch (verb.toUpperCase()) {
				case 'EHLO':
					return socket.write('250-sandbox.localhost\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n');
				case 'HELO':
					return say('250 sandbox.localhost');
				case 'AUTH': {
					const [kind, initial] = arg.split(' ');
					if (kind?.toUpperCase() === 'PLAIN') {
						if (initial) {
							const [, name, password] = b64(initial).split('\0');
							return check(name ?? '', password ?? '');
						}
						authStep = 'plain';
						return say('334 ');
					}
					if (kind?.toUpperCase() === 'LOGIN') {
						if (initial) {
							loginUser = b64(initial);
							authStep = 'login-pass';
							return say(`334 ${Buffer.from('Password:').toString('base64')}`);
						}
						authStep = 'login-user';
						return say(`334 ${Buffer.from('Username:').toString('base64')}`);
					}
					return say('504 5.5.4 Unrecognized authentication type');
				}
				case 'MAIL':
					if (!user) {
						this.refused++;
						return say('530 5.7.0 Authentication required');
					}
					mail = { from: /<([^>]*)>/.exec(arg)?.[1] ?? '', to: [] };
					return say('250 2.1.0 Ok');
				case 'RCPT':
					if (!mail) return say('503 5.5.1 MAIL first');
					mail.to.push(/<([^>]*)>/.exec(arg)?.[1] ?? '');
					return say('250 2.1.5 Ok');
				case 'DATA':
					if (!mail?.to.length) return say('503 5.5.1 RCPT first');
					inData = true;
					return say('354 End data with <CR><LF>.<CR><LF>');
				case 'RSET':
					mail = undefined;
					return say('250 2.0.0 Ok');
				case 'NOOP':
					return say('250 2.0.0 Ok');
				case 'QUIT':
					say('221 2.0.0 Bye');
					return void socket.end();
				default:
					return say('502 5.5.2 Command not recognized');
			}
		};
		socket.on('data', (chunk: string) => {
			buffer += chunk;
			let at: number;
			while ((at = buffer.indexOf('\r\n')) >= 0) {
				const l = buffer.slice(0, at);
				buffer = buffer.slice(at + 2);
				line(l);
			}
		});
		socket.on('error', () => socket.destroy());
		say('220 sandbox.localhost ESMTP');
	}
}
