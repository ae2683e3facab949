/**
 * The dependency map as files: a CSV edge list, a Mermaid flowchart and a Graphviz digraph, each
 * exactly as the map's page shows it (grouping and filter applied). Names come from Azure and the
 * logs and may be anyone's: each format's own escaping is applied to every one of them.
 */
import { protocolName, serviceLabel, type GroupEdge, type GroupedMap, type MapExportFormat } from '../core/dependencyMap';
import { csvField, isoTime } from './exportText';

/** One line per edge as the page shows it (grouping and filter applied). */
export function mapToCsv(map: GroupedMap): string {
  const header = ['source', 'source_kind', 'source_addresses', 'destination', 'destination_kind', 'destination_addresses', 'protocol', 'port', 'connections', 'allowed', 'denied', 'bytes', 'packets', 'first_seen', 'last_seen', 'processes'];
  const lines = [header.join(',')];
  for (const edge of map.edges) {
    const source = map.nodes[edge.source];
    const target = map.nodes[edge.target];
    lines.push(
      [
        csvField(source.label),
        source.kind,
        csvField(source.addresses.join(' ')),
        csvField(target.label),
        target.kind,
        csvField(target.addresses.join(' ')),
        protocolName(edge.protocol),
        edge.port,
        edge.connections,
        edge.allowed,
        edge.denied,
        edge.bytes,
        edge.packets,
        isoTime(edge.firstSeen),
        isoTime(edge.lastSeen),
        csvField(edge.processes.join(' ')),
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Mermaid labels are quoted strings in which `"` must be written `#quot;`; `#` itself starts an entity. */
function mermaidText(value: string): string {
  return value.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');
}

function edgeCaption(edge: GroupEdge): string {
  const parts = [serviceLabel(edge), `${edge.connections} conn.`];
  if (edge.denied > 0) {
    parts.push(`${edge.denied} denied`);
  }
  if (edge.processes.length > 0) {
    parts.push(edge.processes.join(', '));
  }
  return parts.join(' · ');
}

/** A Mermaid flowchart, left to right; denied-only edges are dotted. */
export function mapToMermaid(map: GroupedMap): string {
  const lines = ['flowchart LR'];
  map.nodes.forEach((node, index) => {
    const label = node.detail === undefined ? node.label : `${node.label} (${node.detail})`;
    lines.push(`  n${index}["${mermaidText(label)}"]`);
  });
  for (const edge of map.edges) {
    const arrow = edge.allowed === 0 && edge.denied > 0 ? '-.->' : '-->';
    lines.push(`  n${edge.source} ${arrow}|"${mermaidText(edgeCaption(edge))}"| n${edge.target}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A DOT string: `"` and `\` escaped, line breaks as `\n` (Graphviz's escString). */
function dotText(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** A Graphviz digraph; denied-only edges are dashed and red. */
export function mapToDot(map: GroupedMap): string {
  const lines = ['digraph dependencies {', '  rankdir=LR;', '  node [shape=box];'];
  map.nodes.forEach((node, index) => {
    const label = node.detail === undefined ? node.label : `${node.label}\n${node.detail}`;
    lines.push(`  n${index} [label=${dotText(label)}, tooltip=${dotText(node.addresses.join(' '))}];`);
  });
  for (const edge of map.edges) {
    const style = edge.allowed === 0 && edge.denied > 0 ? ', style=dashed, color=red' : '';
    lines.push(`  n${edge.source} -> n${edge.target} [label=${dotText(edgeCaption(edge))}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function exportMap(map: GroupedMap, format: MapExportFormat): string {
  switch (format) {
    case 'csv':
      return mapToCsv(map);
    case 'mermaid':
      return mapToMermaid(map);
    case 'dot':
      return mapToDot(map);
  }
}
