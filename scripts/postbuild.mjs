// After tsc (npm run build): the HTML report's assets beside the compiled reports, and the
// scenario schema as JSON Schema (dist/scenario.schema.json, exported as
// rmqsim/scenario.schema.json) so that an editor completes and checks a scenario file.
import { cpSync, writeFileSync } from 'node:fs';

cpSync('reports/html/assets', 'dist/reports/html/assets', { recursive: true });
const { scenarioJsonSchema } = await import('../dist/lib/index.js');
writeFileSync('dist/scenario.schema.json', `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
