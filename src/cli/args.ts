import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';

/** The repository this code lives in: the default archive. */
export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');

/** Parses argv or exits with status 2 and the usage text. */
export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(usage: string, options: T, allowPositionals = false) {
  try {
    const parsed = parseArgs({ args: process.argv.slice(2), options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    if ((parsed.values as { help?: boolean }).help) {
      console.log(usage);
      process.exit(0);
    }
    return parsed;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

/** Lists given as repeated flags or comma-separated values. */
export function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** `from=to` values of a repeated flag, as a record; exits with status 2 and the usage text on a malformed one. */
export function pairs(values: string[], flag: string, usage: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const value of values) {
    const [from, to, ...rest] = value.split('=');
    if (!from || !to || rest.length > 0) {
      console.error(`${flag} ${value}: expected <from>=<to>\n\n${usage}`);
      process.exit(2);
    }
    record[from] = to;
  }
  return record;
}
