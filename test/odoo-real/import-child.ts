/**
 * The n8n process of the parallel-import benchmark (test/odoo-real/parallel.ts): runs the order
 * import template through n8n-core, one execution per range of BENCH_JOB, and prints its figures
 * as one line, so that the parent measures this process alone (its peak memory and CPU), apart
 * from the sandboxes and the harness.
 */
import type { IDataObject } from 'n8n-workflow';
import { setClock } from '../../runner/clock';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { manualRange } from './scenarios';

export interface ImportJob {
	creds: ConstructorParameters<typeof Engine>[0];
	settings: Record<string, string | number | boolean>;
	/** Manual ranges, [from, to) in each store's zone: one execution each, in order. */
	ranges: Array<[string, string]>;
	parallel: number;
	now: string;
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
	for (const [from, to] of job.ranges) {
		const r = await runTemplate(engine, 'pixelpoint-order-import', {}, job.settings, (wf) => {
			manualRange(from, to)(wf);
			const step = wf.nodes.find((n) => n.name === 'Odoo: Import Orders')!;
			step.parameters = { ...step.parameters, options: { ...(step.parameters.options as IDataObject), parallelRequests: job.parallel } };
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
