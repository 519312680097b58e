import { NodeOperationError } from 'n8n-workflow';
import type { AnyContext } from './http';

/**
 * Secrets typed into a URL ("https://user:secret@host") must never reach an output, an error,
 * a log line or an audit record: every text a user may see passes through here.
 */

/**
 * `scheme://user:password@host` → `scheme://***@host`, and the credentials of an HTTP
 * Authorization value (`Bearer <token>`, `Basic <base64>`) → `Bearer ***`, anywhere in a text:
 * a server or proxy that repeats the request in its error must not hand a token to the user.
 */
export function redactUrlUserinfo(text: string): string {
	return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, '$1***@').replace(/\b([Bb]earer)\s+[A-Za-z0-9._~+/=-]{6,}/g, '$1 ***').replace(/\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/g, 'Basic ***');
}

/** Removes each secret from a text (the transports' errors also pass redactUrlUserinfo, in shared/http). */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
	let out = text;
	for (const s of secrets) if (s) out = out.split(s).join('***');
	return out;
}

/** The userinfo of a URL (what stands before "@"), or undefined: callers refuse such URLs. */
export function urlUserinfo(url: string): string | undefined {
	const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url.trim());
	return m ? m[1] : undefined;
}

/** A credential URL with a user name or password in it is refused before anything is sent. */
export function refuseUserinfo(ctx: AnyContext, url: string, field: string, why: string): void {
	if (urlUserinfo(url) === undefined) return;
	throw new NodeOperationError(ctx.getNode(), `The ${field} holds a user name or password (${redactUrlUserinfo(url)}): remove them from the URL`, {
		description: `${why} A URL is shown in messages and logs.`,
	});
}
