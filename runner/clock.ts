/**
 * One clock for a process: the sandboxes, the nodes and the runs they drive all read `Date`,
 * so fixing the clock here makes tests, benchmarks and `npm run flows` give the same result on
 * any day. The clock starts at the given instant and then runs at real speed (timeouts, rate
 * limits and backoff measure real intervals). Not for use against real systems.
 */

/** The instant the tests, benchmarks and the sandbox demo start from unless told otherwise. */
export const DEFAULT_NOW = '2026-11-21T08:00:00Z';

type DateConstructor = typeof Date;

interface ClockState {
	real: DateConstructor;
	offsetMs: number;
}

const KEY = Symbol.for('n8n-nodes-pos-odoo-procountor.clock');

function state(): ClockState | undefined {
	return (globalThis as unknown as Record<symbol, ClockState | undefined>)[KEY];
}

/** Parses an ISO 8601 instant (with a zone) or a date (taken as 08:00 UTC); throws on anything else. */
export function parseInstant(text: string, name = 'the clock'): number {
	const value = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()}T08:00:00Z` : text.trim();
	const ms = /\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
	if (Number.isNaN(ms)) throw new Error(`${name}: "${text}" is not a date (YYYY-MM-DD) or an ISO 8601 time with a zone`);
	return ms;
}

/**
 * Sets this process's clock to `instant` (ISO 8601 with a zone, or YYYY-MM-DD). `Date.now()`,
 * `new Date()` and Luxon's `DateTime.now()` then tell the shifted time. Calling it again moves the clock.
 */
export function setClock(instant: string | number): void {
	const g = globalThis as unknown as Record<symbol, ClockState | undefined> & { Date: DateConstructor };
	const target = typeof instant === 'number' ? instant : parseInstant(instant);
	const existing = state();
	const real = existing?.real ?? g.Date;
	const realNow = real.now.bind(real);
	const clock: ClockState = { real, offsetMs: target - realNow() };
	g[KEY] = clock;
	if (existing) return; // the proxy below reads the offset from the state
	const now = () => realNow() + (state()?.offsetMs ?? 0);
	g.Date = new Proxy(real, {
		construct(t, args: unknown[], newTarget) {
			const ctorArgs = args.length === 0 ? [now()] : args;
			return Reflect.construct(t, ctorArgs, newTarget === g.Date ? t : newTarget) as object;
		},
		apply(t) {
			// `Date()` called as a function returns the current time as a string.
			return new t(now()).toString();
		},
		get(t, prop, receiver) {
			if (prop === 'now') return now;
			return Reflect.get(t, prop, receiver) as unknown;
		},
	});
}

/** The clock's offset from the machine's clock, in milliseconds (0 when it was never set). */
export function clockOffsetMs(): number {
	return state()?.offsetMs ?? 0;
}
