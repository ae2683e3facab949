import * as vscode from 'vscode';

/**
 * Runs `work` in a progress notification with Cancel; Cancel aborts `signal`, which the Azure and
 * storage calls inside take.
 */
export function withCancellableProgress<T>(title: string, work: (progress: vscode.Progress<{ message?: string; increment?: number }>, signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      return await work(progress, controller.signal);
    } finally {
      subscription.dispose();
    }
  });
}
