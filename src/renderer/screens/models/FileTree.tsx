import type { ModelFile } from '../../../shared/api/modelTypes';
import { formatBytes } from '../../../shared/format';

interface Node {
  name: string;
  size: number;
  children: Map<string, Node> | null;
}

function build(files: ModelFile[]): Node[] {
  const root = new Map<string, Node>();
  for (const file of files) {
    const parts = file.path.split('/');
    let level = root;
    parts.forEach((part, i) => {
      const leaf = i === parts.length - 1;
      let node = level.get(part);
      if (!node) {
        node = { name: part, size: 0, children: leaf ? null : new Map() };
        level.set(part, node);
      }
      node.size += file.size;
      if (node.children) level = node.children;
    });
  }
  return [...root.values()];
}

function Branch({ nodes }: { nodes: Node[] }) {
  return (
    <ul className="tree">
      {nodes.map((n) => (
        <li key={n.name}>
          <span className="tree-name">{n.children ? `${n.name}/` : n.name}</span>{' '}
          <span className="muted">{formatBytes(n.size)}</span>
          {n.children ? <Branch nodes={[...n.children.values()]} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The registered file, or the folder as a tree with each folder's total size. */
export function FileTree({ files }: { files: ModelFile[] }) {
  return (
    <div aria-label="Files" role="group">
      <Branch nodes={build(files)} />
    </div>
  );
}
