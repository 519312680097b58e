/**
 * What a flow did, in plain words, for `npm run flows`: counts per entity, orders, sessions,
 * invoices sent and payments from each template's audit record, and its errors in full.
 */
import type { IDataObject } from 'n8n-workflow';
import { redactUrlUserinfo } from '../nodes/shared/redact';

/** What the flows runner reports of one template run. */
export interface OutcomeLike {
	template: string;
	ok: boolean;
	summary: IDataObject[];
	error?: string;
	ms: number;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);
const eur = (v: unknown): string => num(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = (v: unknown): string => num(v).toLocaleString('en-US');

const LABELS: Record<string, string> = { vat: 'VAT mapping (Odoo system parameter)', partners: 'business partners' };

/** "paymentMethods" → "payment methods". */
function words(key: string): string {
	return LABELS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** "3 created, 4 updated, 2 unchanged" with the zero counts left out ("nothing" when all are zero). */
function counters(o: IDataObject, keys: string[]): string {
	const parts = keys.filter((k) => num(o[k]) !== 0).map((k) => `${count(o[k])} ${k}`);
	return parts.length ? parts.join(', ') : 'nothing to do';
}

function perEntity(detail: unknown): string[] {
	if (!detail || typeof detail !== 'object') return [];
	return Object.entries(detail as Record<string, IDataObject>).map(([entity, c]) => `${words(entity)}: ${counters(c, ['created', 'updated', 'unchanged', 'archived', 'failed'])}`);
}

/** The sentences for one audit record, by what its operation is. */
function auditWords(r: IDataObject, runOk = true): string[] {
	const out: string[] = [];
	const op = String(r.operation ?? '');
	if (r.detail) out.push(...perEntity(r.detail));
	if (/history backfill/i.test(op)) {
		const already = num(r.skipped);
		out.push(
			`chunks: ${count(r.chunks)} taken, ${count(r.chunksDone)} done, ${r.chunksLeft === null || r.chunksLeft === undefined ? 'unknown' : count(r.chunksLeft)} left` +
				`${num(r.chunks) ? ` (each a run of the order import)` : ' (every chunk was done before)'}`,
		);
		out.push(`orders: ${count(r.created)} imported${already ? `, ${count(already)} invoices skipped (voided, or already in Odoo)` : ''}${num(r.heldBack) ? `, ${count(r.heldBack)} held back` : ''}${num(r.failed) ? `, ${count(r.failed)} failed` : ''}`);
		out.push(`sessions: ${count(r.closed)} closed at the end`);
	} else if (/order import/i.test(op)) {
		const already = num(r.skipped) - num(r.voids);
		out.push(
			`orders: ${count(r.created)} imported into POS sessions, ${count(r.voids)} voided invoices skipped` +
				`${already > 0 ? `, ${count(already)} already in Odoo` : ''}${num(r.heldBack) ? `, ${count(r.heldBack)} held back (another run has them, or an earlier day of their store must be imported first)` : ''}${num(r.failed) ? `, ${count(r.failed)} failed` : ''}`,
		);
		if (num(r.tips)) out.push(`tips: ${eur(r.tips)} on the orders (a line of the tip product, no VAT) and in the payments they came with`);
		const moved = Array.isArray(r.cursorsMoved) ? r.cursorsMoved : Array.isArray(r.storesAdvanced) ? r.storesAdvanced : [];
		out.push(moved.length ? `stores whose cursor moved on: ${moved.join(', ')}` : 'no store cursor moved (nothing new was read, or the next run reads the same range again)');
	} else if (/auto-close/i.test(op)) {
		out.push(`sessions: ${count(r.closed)} closed, ${count(r.skipped)} left as they were${num(r.failed) ? `, ${count(r.failed)} failed` : ''}`);
		// A row without a session is a step's failure, said once as the run's error.
		for (const s of ((r.sessions as IDataObject[] | undefined) ?? []).filter((x) => x.session !== undefined)) {
			out.push(`  ${s.session} (business day ${s.businessDate}): ${s.status}${s.entryDate ? `, entry dated ${s.entryDate}` : ''}${s.message ? ` — ${s.message}` : ''}`);
		}
	} else if (/→ Procountor/.test(op)) {
		out.push(`invoices: ${count(r.found)} to send, ${count(r.sent)} sent to Procountor (${count(r.creditNotes)} of them credit notes)${num(r.failed) ? `, ${count(r.failed)} failed` : ''}`);
	} else if (/payments → Odoo/i.test(op)) {
		out.push(`payments: ${count(r.paid)} registered in Odoo for ${eur(r.amount)} in all, ${count(r.skipped)} skipped${num(r.failed) ? `, ${count(r.failed)} failed` : ''}`);
	} else if (/canonical/i.test(op)) {
		out.push(`invoices: ${count(r.sent)} sent to the endpoint, ${count(r.skipped)} drafts skipped, ${count(r.warnings)} with warnings${num(r.failed) ? `, ${count(r.failed)} failed` : ''}`);
	} else if (/Procountor master data/i.test(op)) {
		const unmapped = Array.isArray(r.vatUnmapped) && r.vatUnmapped.length ? `; no Odoo tax for ${r.vatUnmapped.join(', ')}` : '';
		if (r.vatMapped !== undefined) out.push(`VAT: ${count(r.vatMapped)} Procountor VAT rates mapped to Odoo taxes${unmapped}`);
	} else if (/^Daily close report/.test(op)) {
		out.push(`store days from ${String(r.from)} to ${String(r.to)}: ${count(r.agree)} agree, ${count(r.differ)} differ (${count(r.odooCalls)} Odoo calls)`);
		for (const l of (r.agreeing as string[] | undefined) ?? []) out.push(`  ${l}`);
		for (const l of (r.differences as string[] | undefined) ?? []) out.push(`  differs: ${l}`);
		out.push(r.auditAlreadyPosted ? 'not posted again: the channel already shows this report' : r.auditMessageId !== undefined ? 'posted in the Discuss channel' : 'not posted');
		if (r.mailedTo) out.push(`mailed to ${String(r.mailedTo)}`);
	} else if (/^Waiting items/.test(op)) {
		if (r.item) {
			const it = r.item as IDataObject;
			out.push(`${String(r.flow)} ${String(it.key)}: ${r.action === 'skip' ? 'skipped, no longer retried' : 'back on the waiting list, tried on the next run'} (${String(it.reason)})`);
		}
		for (const f of (r.flows as IDataObject[] | undefined) ?? []) {
			out.push(`${String(f.flow)}: ${count(f.waitingCount)} waiting, ${count(f.skippedCount)} skipped by a person`);
			for (const w of (f.waiting as IDataObject[]) ?? []) out.push(`  ${String(w.key)} since ${String(w.since)}: ${String(w.reason)}`);
		}
	} else if (!r.detail) {
		const numeric = Object.entries(r).filter(([k, v]) => typeof v === 'number' && !/^audit/.test(k));
		if (numeric.length) out.push(numeric.map(([k, v]) => `${words(k)}: ${count(v)}`).join(', '));
	}
	if (r.waitingCount !== undefined && !/^Waiting items/.test(op)) {
		const o = r.oldestWaiting as IDataObject | null | undefined;
		out.push(
			num(r.waitingCount)
				? `waiting to be done again: ${count(r.waitingCount)}, the oldest ${String(o?.key)} since ${String(o?.since)} (${String(o?.reason)})`
				: r.status === 'failed'
					? 'nothing waits to be done again, although the run failed (see the error: what it could not read is read again on the next run)'
					: 'nothing waits to be done again',
		);
		if (num(r.skippedCount)) out.push(`skipped by a person: ${count(r.skippedCount)}`);
	}
	if (num(r.auditKept)) {
		// A failed run's cause is its error, said once; a run that did its work says why only its record waits.
		const why = runOk ? ` (${String(r.auditNotPosted ?? 'Odoo could not take it')})` : ' either';
		out.push(`audit record not posted in Odoo${why}: kept with the workflow, ${count(r.auditKept)} waiting to be posted on the next run`);
	}
	return out;
}

/** A webhook answer in words: the POS counter API's three endpoints, else its status and body. */
function webhookWords(w: IDataObject): string[] {
	const res = (w.response ?? {}) as IDataObject;
	const head = `${w.request} → HTTP ${w.status}`;
	if (num(w.status) >= 400) return [`${head}: ${String(res.message ?? res.error ?? JSON.stringify(res))}`];
	if (Array.isArray(res.invoices) && res.customerName !== undefined) {
		return [`${head}: ${res.customerName} has ${count(res.openCount)} open invoice(s), ${eur(res.totalDue)} due`];
	}
	if (res.paymentId !== undefined) {
		const who = res.till ? ` by till ${res.till}${res.session ? ` in ${res.session}` : ''}` : '';
		return [`${head}: payment of ${eur(res.amount)} ${res.status} on ${res.invoice}${who} (${res.paymentState}, ${eur(res.residual)} still open)`];
	}
	if (res.sessionId !== undefined) {
		const c = (res.cash ?? {}) as IDataObject;
		const b = (res.bank ?? {}) as IDataObject;
		return [`${head}: session ${res.session} (${res.state}): cash ${eur(c.total)} in ${count(c.count)} payment(s), bank ${eur(b.total)} in ${count(b.count)}`];
	}
	return [`${head}: ${JSON.stringify(res)}`];
}

/** A call not made because its server was found silent or out of reach earlier in the run (nodes/shared/http.ts). */
export const NOT_CALLED = /was not called at \S+: it did not answer earlier in this execution/;

/** Errors after which a flow can do nothing: a credential refused, a server out of reach or not the API. */
const STOPPING =
	/refused the (API key|login|client credentials)|INVALID_TOKEN|answered 404 Not Found at|did not answer at|could not be reached at|was not called at|answered an HTML page|answered a redirect|has no database|should be the server's address without a path|may not work in the company|holds a user name or password|is not an http\(s\) URL/;
const SUCCESS_COUNTERS = ['created', 'updated', 'unchanged', 'sent', 'paid', 'closed', 'imported'];

/** The report of one flow: a headline, what it did, every error in full; with `json`, the audit record too. */
export function describeOutcome(o: OutcomeLike, opts: { json?: boolean } = {}): string {
	const record = o.summary.find((s) => s.operation !== undefined && s.status !== undefined);
	const title = record ? ` — ${String(record.operation)}` : '';
	const lines = [`${o.ok ? 'OK  ' : 'FAIL'} ${o.template} (${(o.ms / 1000).toFixed(1)} s)${title}`];
	const stopped = !o.ok && !!o.error && STOPPING.test(o.error) && !SUCCESS_COUNTERS.some((k) => num(record?.[k]) > 0);
	if (record && stopped) {
		// A credential refused or a server out of reach stops the flow: its steps' counts of failures would only repeat it.
		lines.push('     nothing was done: the error below stopped the run before its first change; the next run does the work once it is fixed');
		lines.push(...auditWords(record, o.ok).filter((l) => /^(waiting to be done again|audit record)/.test(l)).map((l) => `     ${l}`));
	} else if (record) lines.push(...auditWords(record, o.ok).map((l) => `     ${l}`));
	else lines.push(...o.summary.flatMap((w) => (w.request !== undefined ? webhookWords(w) : [JSON.stringify(w)])).map((l) => `     ${l}`));
	// Each cause once: the run's error names the step; the record's own list says the same without it
	// ("vat: …" or the bare message), and repeats one message for every item it failed.
	const errors: string[] = [];
	const add = (e: string) => {
		// A call not made because its server was found silent or out of reach earlier in the run: that earlier error is the cause.
		if (errors.length && NOT_CALLED.test(e)) return;
		// Without the labels a repeat carries: a step or entity, an item, "the step before failed".
		const bare = e.replace(/^[\w ]+: (?=[A-Z])/, '').replace(/^Item \d+: /, '').replace(/^The [\w ]+ step before failed: /, '').slice(0, 100);
		if (!errors.some((x) => x === e || x.includes(bare))) errors.push(e);
	};
	if (o.error) add(o.error);
	for (const e of (record?.errors as unknown[] | undefined) ?? []) add(typeof e === 'string' ? e : JSON.stringify(e));
	if (record?.error && typeof record.error === 'string') add(record.error);
	for (const e of errors) lines.push(`     error: ${e}`);
	if (opts.json) for (const s of o.summary) lines.push(`     ${JSON.stringify(s)}`);
	return redactUrlUserinfo(lines.join('\n'));
}
