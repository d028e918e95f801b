import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element, ParentNode } from 'domhandler';
import type { RangeSelector, Selector } from '../sources/schema.ts';

/** Every node under `root` in document order, with the index just past its subtree. */
function flatten(root: ParentNode): { nodes: AnyNode[]; end: Map<AnyNode, number> } {
  const nodes: AnyNode[] = [];
  const end = new Map<AnyNode, number>();
  const walk = (node: AnyNode) => {
    nodes.push(node);
    if ('children' in node) for (const child of node.children) walk(child);
    end.set(node, nodes.length);
  };
  for (const child of root.children) walk(child);
  return { nodes, end };
}

/**
 * The nodes fully inside a range, outermost only, in document order. Returns undefined when a
 * bound matches nothing, so callers can say which one.
 */
export function nodesInRange($: CheerioAPI, root: ParentNode, range: RangeSelector): { nodes: AnyNode[] } | { missing: string } {
  const startSelector = range.startBefore ?? range.startAfter!;
  const endSelector = range.endBefore ?? range.endAfter!;
  const start = $(startSelector).get(0);
  if (!start) return { missing: startSelector };
  const end = $(endSelector).get(0);
  if (!end) return { missing: endSelector };
  const { nodes, end: subtreeEnd } = flatten(root);
  const from = range.startBefore ? nodes.indexOf(start) : subtreeEnd.get(start)!;
  const to = range.endBefore ? nodes.indexOf(end) : subtreeEnd.get(end)!;
  const inside: AnyNode[] = [];
  for (let i = from; i < to; ) {
    const node = nodes[i]!;
    const last = subtreeEnd.get(node)!;
    if (last <= to) {
      inside.push(node);
      i = last;
    } else i++;
  }
  return { nodes: inside };
}

export function isRange(selector: Selector): selector is RangeSelector {
  return typeof selector !== 'string';
}

/** Drops elements nested inside other kept elements, keeping document order. */
export function outermost(nodes: AnyNode[]): AnyNode[] {
  const set = new Set(nodes);
  return nodes.filter((node) => {
    for (let parent = node.parent; parent; parent = parent.parent) if (set.has(parent)) return false;
    return true;
  });
}

export function describeSelector(selector: Selector): string {
  return typeof selector === 'string' ? `"${selector}"` : JSON.stringify(selector);
}

export type { Element };
