/**
 * The connection snapshots taken in this window, newest per VM: "Snapshot Connections…" puts
 * them, the dependency map reads them and redraws on `onDidChange`. In memory only; a snapshot
 * describes a moment and is taken again when needed. No `vscode` import here: `onDidChange` has
 * the shape of a `vscode.Event`, so callers may push its result to their disposables.
 */
import type { ConnectionSnapshot } from './connectionSnapshot';

export interface SnapshotStoreChange {
  /** Lower-case ARM ids of the VMs whose snapshot was put or removed. */
  vmIds: string[];
}

type Listener = (change: SnapshotStoreChange) => void;

export class ConnectionSnapshotStore {
  private readonly byVm = new Map<string, ConnectionSnapshot>();
  private readonly listeners = new Set<Listener>();

  /** Every VM's latest snapshot, by VM name. */
  all(): ConnectionSnapshot[] {
    return [...this.byVm.values()].sort((a, b) => a.vmName.localeCompare(b.vmName) || a.vmId.localeCompare(b.vmId));
  }

  /** The latest snapshot of a VM (any case of its ARM id). */
  get(vmId: string): ConnectionSnapshot | undefined {
    return this.byVm.get(vmId.toLowerCase());
  }

  /** Keeps these snapshots, each replacing its VM's earlier one, and tells the listeners once. */
  put(snapshots: readonly ConnectionSnapshot[]): void {
    if (snapshots.length === 0) {
      return;
    }
    for (const snapshot of snapshots) {
      this.byVm.set(snapshot.vmId.toLowerCase(), snapshot);
    }
    this.fire({ vmIds: snapshots.map((snapshot) => snapshot.vmId.toLowerCase()) });
  }

  /** Forgets every snapshot. */
  clear(): void {
    const vmIds = [...this.byVm.keys()];
    this.byVm.clear();
    if (vmIds.length > 0) {
      this.fire({ vmIds });
    }
  }

  /** Calls `listener` after each change until the result is disposed. */
  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Drops the listeners. */
  dispose(): void {
    this.listeners.clear();
  }

  private fire(change: SnapshotStoreChange): void {
    for (const listener of [...this.listeners]) {
      listener(change);
    }
  }
}
