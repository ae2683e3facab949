/**
 * Downloaded flow-log blobs as VS Code shows them: `azure-flow-log:/account/container/blob path`,
 * a read-only file system over the download folder (laid out the same way), so the viewer's tab
 * and breadcrumbs name the blob (`stflowlogs › insights-logs-flowlogflowevent › … › PT1H.json`)
 * rather than the extension's storage folder the copy sits in.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const downloadedBlobScheme = 'azure-flow-log';

export class DownloadedBlobs implements vscode.FileSystemProvider {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changeEmitter.event;

  constructor(
    /** The download folder (under the extension's global storage). */
    readonly folder: vscode.Uri,
  ) {}

  /** The URI the viewer opens for a download at `segments` under the folder (see `downloadSegments`). */
  uriOf(segments: readonly string[]): vscode.Uri {
    return vscode.Uri.from({ scheme: downloadedBlobScheme, path: `/${segments.map((segment) => segment.replace(/%/g, '%25')).join('/')}` });
  }

  /** The file on disk behind a blob URI; undefined for other schemes and for paths that would leave the folder. */
  localPath(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== downloadedBlobScheme) {
      return undefined;
    }
    const segments = uri.path.split('/').filter((segment) => segment !== '');
    if (segments.some((segment) => segment === '.' || segment === '..')) {
      return undefined;
    }
    return join(this.folder.fsPath, ...segments.map((segment) => segment.replace(/%25/g, '%')));
  }

  /** Tells VS Code that a blob was downloaded again, so an open editor reads it anew. */
  changed(uri: vscode.Uri): void {
    this.changeEmitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const info = await stat(this.pathOrThrow(uri)).catch(() => {
      throw vscode.FileSystemError.FileNotFound(uri);
    });
    return {
      type: info.isDirectory() ? vscode.FileType.Directory : vscode.FileType.File,
      ctime: info.ctimeMs,
      mtime: info.mtimeMs,
      size: info.size,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const entries = await readdir(this.pathOrThrow(uri), { withFileTypes: true }).catch(() => {
      throw vscode.FileSystemError.FileNotFound(uri);
    });
    return entries.map((entry) => [entry.name, entry.isDirectory() ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return readFile(this.pathOrThrow(uri)).catch(() => {
      throw vscode.FileSystemError.FileNotFound(uri);
    });
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private pathOrThrow(uri: vscode.Uri): string {
    const path = this.localPath(uri);
    if (path === undefined) {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    return path;
  }
}
