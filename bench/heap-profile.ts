// Where a run allocates: V8's sampling heap profile of one seed of the chaos scenario (or of the
// 5,000-message throughput run), after a warm-up run, as bytes a function allocated itself, with
// library and native frames (zod, Map, Array.prototype.sort) charged to the project function that
// called them, and by folder. `node --import tsx bench/heap-profile.ts [chaos|background|throughput] [top]`
// (under tsx a function's line is its file's first; compiled with tsc, the line of the function).
import { Session } from 'node:inspector/promises';
import { runScenario } from '../scenarios/runner.ts';
import { chaosScenario } from './chaos-scenario.ts';
import { backgroundScenario, throughputScenario } from './sim.ts';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  id: number;
  children: ProfileNode[];
}

const SAMPLING_INTERVAL = 1024;
const scenarios = {
  chaos: chaosScenario,
  background: backgroundScenario,
  throughput: throughputScenario(5_000),
};
const which = (process.argv[2] ?? 'chaos') as keyof typeof scenarios;
const top = Number(process.argv[3] ?? 40);
const scenario = scenarios[which];
if (scenario === undefined)
  throw new Error(`unknown run ${which}; known: ${Object.keys(scenarios).join(', ')}`);
runScenario(scenario, { seed: 1 });
const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: SAMPLING_INTERVAL,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
runScenario(scenario, { seed: 1 });
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();
const { samples, head } = profile as unknown as {
  samples: { size: number; nodeId: number }[];
  head: ProfileNode;
};

const parent = new Map<number, ProfileNode | undefined>();
const byId = new Map<number, ProfileNode>();
const walk = (node: ProfileNode, up: ProfileNode | undefined) => {
  byId.set(node.id, node);
  parent.set(node.id, up);
  for (const child of node.children) walk(child, node);
};
walk(head, undefined);

const PROJECT = /\/(core|sim|scenarios|properties|reports|lib|bench)\/(.*)$/;
const isOwn = (url: string) => PROJECT.test(url) && !url.includes('/node_modules/');
/** The nearest frame at or above `node` in the project's own files. */
function nearestOwn(node: ProfileNode | undefined): ProfileNode | undefined {
  while (node !== undefined && !isOwn(node.callFrame.url)) node = parent.get(node.id);
  return node;
}

const byFunction = new Map<string, number>();
const byFolder = new Map<string, number>();
let total = 0;
for (const { size, nodeId } of samples) {
  // A sampled object stands for its size over its chance of being sampled, as V8 scales totals.
  const bytes = size / (1 - Math.exp(-size / SAMPLING_INTERVAL));
  total += bytes;
  const own = nearestOwn(byId.get(nodeId));
  const match = own === undefined ? null : PROJECT.exec(own.callFrame.url);
  const file = match === null ? '(outside the project)' : `${match[1]}/${match[2]}`;
  const fn =
    own === undefined
      ? file
      : `${own.callFrame.functionName || '(anonymous)'} ${file}:${own.callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + bytes);
  const folder = file.split('/').slice(0, -1).join('/') || file;
  byFolder.set(folder, (byFolder.get(folder) ?? 0) + bytes);
}

const line = (name: string, bytes: number) =>
  `${(bytes / 1e6).toFixed(2).padStart(8)} MB ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${name}`;
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
console.log(`${which}: ${(total / 1e6).toFixed(1)} MB allocated`);
console.log('--- by folder');
for (const [name, bytes] of sorted(byFolder)) console.log(line(name, bytes));
console.log('--- by function');
for (const [name, bytes] of sorted(byFunction).slice(0, top)) console.log(line(name, bytes));
