import type { AnyNode } from 'domhandler';
import type { ElementContent, Root as HastRoot, Properties } from 'hast';
import { toMdast } from 'hast-util-to-mdast';
import { toMarkdown } from 'mdast-util-to-markdown';
import { gfmToMarkdown } from 'mdast-util-gfm';
import type { Root as MdastRoot } from 'mdast';
import type { Converter } from '../index.ts';

/**
 * The converter we measured against turndown (docs/decisions/0003): parsed DOM → hast → mdast →
 * Markdown without a second parse. Kept for the comparison benchmark only.
 */
export const unifiedConverter: Converter = (nodes) => mdastToMarkdown(hastToMdast(domToHast(nodes)));

/**
 * Converts parsed DOM nodes straight into a hast tree. The page was already parsed once for
 * selection; serialising and parsing the fragment again would double the cost on large pages.
 */
export function domToHast(nodes: readonly AnyNode[]): HastRoot {
  return { type: 'root', children: nodes.flatMap(convert) };
}

function convert(node: AnyNode): ElementContent[] {
  switch (node.type) {
    case 'text':
      return [{ type: 'text', value: node.data }];
    case 'tag':
    case 'script':
    case 'style': {
      const properties: Properties = {};
      for (const [name, value] of Object.entries(node.attribs)) {
        // hast-util-to-mdast reads a few properties by their hast names.
        if (name === 'href' || name === 'title' || name === 'alt' || name === 'src' || name === 'start' || name === 'id') properties[name] = value;
        else if (name === 'colspan') properties.colSpan = value;
        else if (name === 'rowspan') properties.rowSpan = value;
        else if (name === 'align') properties.align = value;
        else if (name === 'type') properties.type = value;
      }
      return [{ type: 'element', tagName: node.name.toLowerCase(), properties, children: node.children.flatMap(convert) }];
    }
    case 'root':
      return node.children.flatMap(convert);
    default:
      return [];
  }
}

export function hastToMdast(tree: HastRoot): MdastRoot {
  return toMdast(tree) as MdastRoot;
}

/** Markdown as written by the extractor; `normalizeMarkdown` then fixes every style choice. */
export function mdastToMarkdown(tree: MdastRoot): string {
  return toMarkdown(tree, { extensions: [gfmToMarkdown()] });
}
