// A planted bug (npm run planted): one small patch to core/, in one file under bench/planted/, with
// the RocketMQ issue it re-creates or why it is a realistic bug. A patch applies only when its
// `find` text is in its file exactly once (a patch that no longer applies is refused, named, not
// skipped), and only to a copy of the tree.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type PlantedArea = 'store' | 'ha' | 'broker' | 'client';

export interface PlantedBug {
  /** Its file's name under bench/planted/, without `.ts`. */
  name: string;
  area: PlantedArea;
  /** The file of core/ it patches, from the tree's root. */
  file: string;
  /** Text present exactly once in `file`... */
  find: string;
  /** ...and what it becomes. */
  replace: string;
  /** The RocketMQ issue or JIRA it re-creates, or why it is realistic. */
  rocketmq: string;
}

export class PlantedError extends Error {
  override readonly name = 'PlantedError';
}

/** Every planted bug of `dir` (one default export a file), in file-name order. */
export async function loadPlanted(dir: string): Promise<PlantedBug[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const bugs: PlantedBug[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: PlantedBug };
    const bug = module.default;
    if (bug === undefined || `${bug.name}.ts` !== file) {
      throw new PlantedError(
        `${file}: its default export must be a PlantedBug named ${file.replace(/\.ts$/, '')}`,
      );
    }
    bugs.push(bug);
  }
  return bugs;
}

/** Why the bug cannot be applied to the tree at `root`, or undefined when it applies exactly. */
export function patchProblem(root: string, bug: PlantedBug): string | undefined {
  if (!bug.file.startsWith('core/')) return `${bug.name}: patches ${bug.file}, outside core/`;
  if (bug.find === bug.replace) return `${bug.name}: its replace is its find (no change)`;
  let text: string;
  try {
    text = readFileSync(join(root, bug.file), 'utf8');
  } catch {
    return `${bug.name}: ${bug.file} does not exist`;
  }
  const count = text.split(bug.find).length - 1;
  if (count !== 1) return `${bug.name}: its find text is in ${bug.file} ${count} times (exactly once needed)`;
  return undefined;
}

/** Patches the tree at `root` (a throwaway copy); refuses a patch that does not apply exactly. */
export function applyPlanted(root: string, bug: PlantedBug): void {
  const problem = patchProblem(root, bug);
  if (problem !== undefined) throw new PlantedError(problem);
  const path = join(root, bug.file);
  writeFileSync(
    path,
    readFileSync(path, 'utf8').replace(bug.find, () => bug.replace),
  );
}
