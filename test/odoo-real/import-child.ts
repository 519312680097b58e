/**
 * The n8n process of the parallel-import benchmark (test/odoo-real/parallel.ts): runs the order
 * import template through n8n-core, one execution per range of BENCH_JOB (or the history backfill
 * over them), and prints its figures
 * as one line, so that the parent measures this process alone (its peak memory and CPU), apart
 * from the sandboxes and the harness.
 */
import type { IDataObject, IWorkflowBase } from 'n8n-workflow';
import { setClock } from '../../runner/clock';
import { Engine } from '../../runner/engine';
import { loadTemplate, runTemplate } from '../../runner/flows';
import { manualRange } from './scenarios';

export interface ImportJob {
	creds: ConstructorParameters<typeof Engine>[0];
	settings: Record<string, string | number | boolean>;
	/** Manual ranges, [from, to) in each store's zone: one execution each, in order. */
	ranges: Array<[string, string]>;
	parallel: number;
	now: string;
	/**
	 * 'backfill': one execution of the history backfill over the whole of `ranges` instead (its
	 * chunks of `chunkDays` each a sub-execution of the order import, Parallel Requests set there).
	 */
	template?: 'import' | 'backfill';
	chunkDays?: number;
}

export interface ImportFigures {
	ms: number;
	runs: Array<{ ok: boolean; ms: number; summary: IDataObject; error?: string }>;
	/** The process's peak resident memory (MiB) and CPU time (s), from Node's own resource usage. */
	maxRssMb: number;
	cpuSeconds: number;
}

async function main(): Promise<void> {
	const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as ImportJob;
	setClock(job.now);
	const engine = new Engine(job.creds);
	const t0 = Date.now();
	const runs: ImportFigures['runs'] = [];
	const parallel = (wf: IWorkflowBase) => {
		const step = wf.nodes.find((n) => n.name === 'Odoo: Import Orders')!;
		step.parameters = { ...step.parameters, options: { ...(step.parameters.options as IDataObject), parallelRequests: job.parallel } };
	};
	if (job.template === 'backfill') {
		const sub = { ...loadTemplate('pixelpoint-order-import'), id: 'pixelpoint-order-import' };
		parallel(sub);
		engine.subWorkflows.set('pixelpoint-order-import', sub);
		const settings = { ...job.settings, from: job.ranges[0][0], to: job.ranges[job.ranges.length - 1][1], chunkDays: job.chunkDays ?? 7 };
		const r = await runTemplate(engine, 'pixelpoint-order-backfill', {}, settings);
		runs.push({ ok: r.ok, ms: r.ms, summary: r.summary[0] ?? {}, error: r.error?.slice(0, 500) });
	}
	for (const [from, to] of job.template === 'backfill' ? [] : job.ranges) {
		const r = await runTemplate(engine, 'pixelpoint-order-import', {}, job.settings, (wf) => {
			manualRange(from, to)(wf);
			parallel(wf);
		});
		runs.push({ ok: r.ok, ms: r.ms, summary: r.summary[0] ?? {}, error: r.error?.slice(0, 500) });
	}
	const ru = process.resourceUsage();
	const figures: ImportFigures = { ms: Date.now() - t0, runs, maxRssMb: ru.maxRSS / 1024, cpuSeconds: (ru.userCPUTime + ru.systemCPUTime) / 1e6 };
	console.log(`BENCH_RESULT ${JSON.stringify(figures)}`);
}

main()
	.then(() => process.exit(0))
	.catch((e: Error) => {
		console.error(e.stack ?? e.message);
		process.exit(1);
	});
