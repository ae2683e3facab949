/**
 * Watches and drives open flow-log viewers from the suites: adds the probe (test/page/
 * flowLogProbe.ts, built to out/test/page/) to every viewer opened from now on through the
 * extension's add-on seam (`FlowLogViewerSeam.addOn`), and talks to it over the page's messages.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlowLogViewerPage, FlowLogViewerSeam } from '../../src/webview/flowLogEditorProvider';
import type { RowFilter, ViewMode } from '../../src/core/viewerProtocol';
import { isProbeToHost, type HostToProbe, type RenderedReport } from '../page/probeMessages';

interface Viewer {
  page: FlowLogViewerPage;
  /** True once the probe of the page said it listens; messages wait until then. */
  isListening: boolean;
  queued: HostToProbe[];
}

export type { RenderedReport };

export class ViewerProbe {
  private readonly viewers = new Map<FlowLogViewerPage, Viewer>();
  private readonly rendered = new vscode.EventEmitter<{ uri: string; report: RenderedReport }>();

  constructor(private readonly seam: FlowLogViewerSeam, projectRoot: string) {
    seam.addOn({
      scripts: [vscode.Uri.file(join(projectRoot, 'out', 'test', 'page', 'flowLogProbe.js'))],
      opened: (page) => {
        this.viewers.set(page, { page, isListening: false, queued: [] });
        return new vscode.Disposable(() => this.viewers.delete(page));
      },
      receive: (page, message) => {
        if (!isProbeToHost(message)) {
          return false;
        }
        const viewer = this.viewers.get(page);
        if (message.probe === 'ready') {
          if (viewer !== undefined) {
            viewer.isListening = true;
            viewer.queued.splice(0).forEach((queued) => void page.postMessage(queued));
          }
        } else {
          this.rendered.fire({ uri: page.uri.toString(), report: message.report });
        }
        return true;
      },
    });
  }

  /** Decode workers still running for `uri` (the viewer's own count). */
  runningWorkers(uri: vscode.Uri): number {
    return this.seam.runningWorkers(uri);
  }

  /** Resolves with the next report of what a viewer of `uri` shows (total, mode, visible rows' cell texts, …), from viewers open now or opened later. */
  nextRendered(uri: vscode.Uri, timeoutMs = 30_000): Promise<RenderedReport> {
    const key = uri.toString();
    return new Promise<RenderedReport>((resolve, reject) => {
      const timer = setTimeout(() => {
        listener.dispose();
        reject(new Error(`The flow-log viewer for ${uri.fsPath} rendered nothing within ${timeoutMs} ms.`));
      }, timeoutMs);
      const listener = this.rendered.event((rendered) => {
        if (rendered.uri === key) {
          clearTimeout(timer);
          listener.dispose();
          resolve(rendered.report);
        }
      });
    });
  }

  /** Types `filter` into the filter fields of every viewer of `uri` (clearing the others) and submits it, then picks `mode`; false when none is open. */
  setFilter(uri: vscode.Uri, filter: RowFilter, mode?: ViewMode): boolean {
    for (const [name, values] of [['protocols', filter.protocols], ['states', filter.states]] as const) {
      if ((values?.length ?? 0) > 1) {
        throw new Error(`The viewer's ${name} field holds one value, not ${JSON.stringify(values)}.`);
      }
    }
    return this.post(uri, mode === undefined ? { probe: 'setFilter', filter } : { probe: 'setFilter', filter, mode });
  }

  /** Opens the details of the row at `position` of the current view from the keyboard; false when no viewer of `uri` is open. */
  openDetail(uri: vscode.Uri, position: number): boolean {
    return this.post(uri, { probe: 'openDetail', position });
  }

  private post(uri: vscode.Uri, message: HostToProbe): boolean {
    let found = false;
    for (const viewer of this.viewers.values()) {
      if (viewer.page.uri.toString() === uri.toString()) {
        found = true;
        if (viewer.isListening) {
          void viewer.page.postMessage(message);
        } else {
          viewer.queued.push(message);
        }
      }
    }
    return found;
  }
}
