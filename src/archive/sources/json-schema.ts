import { z } from 'zod';
import { platformSourceSchema } from './schema.ts';

/**
 * The JSON Schema of a platform declaration, for editors (YAML language servers read it from a
 * `# yaml-language-server: $schema=…` comment). Generated from the zod schema, never by hand.
 */
export function platformJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(platformSourceSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://governance-archive.github.io/schemas/platform.schema.json',
    title: 'Platform declaration',
    description: 'One platform of the governance archive and the documents to capture: content/platforms/<platform>.yaml',
  };
}

export function platformJsonSchemaText(): string {
  return `${JSON.stringify(platformJsonSchema(), null, 2)}\n`;
}
