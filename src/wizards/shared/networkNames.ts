/**
 * Azure's naming rule for most Microsoft.Network resources (virtual network TAPs and their tap
 * configurations, peerings, flow logs, packet captures): 1-80 characters, letters, digits,
 * underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit
 * or underscore. Pure: no `vscode` import here.
 */

/** Longest name Azure accepts. */
export const maxNetworkNameLength = 80;

/**
 * A name Azure accepts made from `text`, for a default answer: other characters become hyphens,
 * it is cut to 80 characters and loses trailing periods and hyphens, and `prefix` goes in front
 * when it does not start with a letter or digit. `vtap-nic web.` → `vtap-nic-web`.
 */
export function defaultNetworkName(text: string, prefix = 'n'): string {
  const name = text.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, maxNetworkNameLength).replace(/[.-]+$/, '');
  return /^[A-Za-z0-9]/.test(name) ? name : `${prefix}${name}`.slice(0, maxNetworkNameLength).replace(/[.-]+$/, '');
}

const namePattern = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/**
 * What is wrong with `name`, or `undefined` when Azure accepts it; `what` starts the message
 * ("A TAP name"). `vtap-collectors` passes; `-tap`, `tap.` and `tap collectors` do not.
 */
export function validateNetworkName(name: string, what: string): string | undefined {
  if (name.length === 0) {
    return `${what} is required.`;
  }
  if (name.length > maxNetworkNameLength) {
    return `${what} can have at most ${maxNetworkNameLength} characters (this one has ${name.length}).`;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    return `${what} can contain only letters, digits, underscores, periods and hyphens.`;
  }
  if (!/^[A-Za-z0-9]/.test(name)) {
    return `${what} must start with a letter or a digit.`;
  }
  if (!namePattern.test(name)) {
    return `${what} must end with a letter, a digit or an underscore.`;
  }
  return undefined;
}
