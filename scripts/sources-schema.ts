import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { platformJsonSchemaText } from '../src/archive/sources/json-schema.ts';
import { REPOSITORY_ROOT } from '../src/cli/args.ts';

// Regenerates the JSON Schema that editors use to check content/platforms/*.yaml.
const target = path.join(REPOSITORY_ROOT, 'content', 'platforms', 'platform.schema.json');
await writeFile(target, platformJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
