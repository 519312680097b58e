/**
 * Every test file: every workflow run's data (outputs, errors, their descriptions) and
 * everything written to the console are scanned for the secrets of the credentials in use —
 * passwords, API keys, tokens, client secrets, issued access tokens, and the user name and
 * password of a credential URL such as http://user:password@host.
 */
import * as fs from 'node:fs';
import { Engine } from '../../runner/engine';
import { N8N_LOG_FILE } from './n8n-log';

const SECRET_FIELDS = ['password', 'apiKey', 'token', 'clientSecret', 'accessToken', 'secret', 'value'];
/** Credential fields holding a URL: a user name and password typed into one are secrets too. */
const URL_FIELDS = ['url', 'baseUrl', 'customUrl'];
const leaks: string[] = [];
const secrets = new Set<string>();
const logged: string[] = [];

function secretsOf(credentials: Record<string, Record<string, unknown>>): string[] {
	const out: string[] = [];
	for (const c of Object.values(credentials)) {
		for (const f of SECRET_FIELDS) {
			const v = c?.[f];
			if (typeof v === 'string' && v.length >= 6) out.push(v);
		}
		for (const f of URL_FIELDS) {
			const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(String(c?.[f] ?? ''))?.[1];
			for (const part of userinfo ? decodeURIComponent(userinfo).split(':') : []) if (part.length >= 6) out.push(part);
		}
	}
	return out;
}

Engine.observers.push((result, credentials) => {
	const found = secretsOf(credentials as Record<string, Record<string, unknown>>);
	found.forEach((s) => secrets.add(s));
	const error = result.error as (Error & { description?: string }) | undefined;
	const text = JSON.stringify(result.run.data) + (error ? `${error.message} ${error.description ?? ''} ${error.stack ?? ''}` : '');
	for (const s of found) if (text.includes(s)) leaks.push(`a workflow run shows the secret ${s.slice(0, 3)}…`);
	// Procountor access tokens issued by the sandbox look like pct-…
	const token = /pct-[a-z0-9]{12,}/.exec(text);
	if (token) leaks.push(`a workflow run shows an access token ${token[0].slice(0, 7)}…`);
});

for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
	const original = console[method].bind(console);
	console[method] = (...args: unknown[]) => {
		logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
		original(...args);
	};
}

afterAll(() => {
	// n8n-core's log lines, written to this worker's file (n8n-log.ts).
	if (fs.existsSync(N8N_LOG_FILE)) logged.push(...fs.readFileSync(N8N_LOG_FILE, 'utf8').split('\n'));
	for (const line of logged) for (const s of secrets) if (line.includes(s)) leaks.push(`a log line shows the secret ${s.slice(0, 3)}…`);
	expect(leaks).toEqual([]);
});
