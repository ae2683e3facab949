/**
 * The plan preview every wizard shows before Apply: markdown generated from the plan alone. Names,
 * ids and messages come from Azure or from the user, so every one of them is escaped. No `vscode`
 * import here.
 */
import { nameOf, subscriptionOf } from '../../azure/armIds';
import { codeBlock, escapeMarkdown, inlineCode as code } from '../../core/markdown';
import { actionsToSend, bodyWithPlaceholders, isBlocked, type CheckStatus, type Plan, type PlanAction } from '../../core/plan';

export { escapeMarkdown } from '../../core/markdown';

const checkMarks: Record<CheckStatus, string> = {
  passed: '✓',
  failed: '✗',
  warning: '!',
  // Not fixed yet: an action of the plan will do it.
  fixed: '→',
};

const verbs: Record<PlanAction['kind'], string> = {
  put: 'Create or update',
  delete: 'Delete',
  post: 'Run',
};

/** What the action does, as the preview's verb: `existing` turns a put into create or update. */
function verbOf(action: PlanAction): string {
  if (action.kind === 'put') {
    return action.existing === 'absent' ? 'Create' : action.existing === 'differs' ? 'Update' : 'Keep';
  }
  if (action.kind === 'post') {
    return action.operation ? `Run ${action.operation} on` : verbs.post;
  }
  return verbs[action.kind];
}

export interface PreviewOptions {
  /** Display names by lower-case subscription id, shown next to the ids of the subscriptions the actions change. */
  subscriptionNames?: ReadonlyMap<string, string>;
}

/** Placed in a VM body's `osProfile.customData` in the preview, where the decoded text follows the body. */
export const customDataShownBelow = '<cloud-init text, shown below>';

/**
 * A VM body with its `osProfile.customData` (base64 of a cloud-init file) replaced by a note, and
 * the decoded text: a person reads the script, not its encoding.
 */
function withCustomDataShown(body: Record<string, unknown>): { body: Record<string, unknown>; customData?: string } {
  const properties = body.properties as Record<string, unknown> | undefined;
  const osProfile = properties?.osProfile as Record<string, unknown> | undefined;
  if (typeof osProfile?.customData !== 'string') {
    return { body };
  }
  const customData = Buffer.from(osProfile.customData, 'base64').toString('utf8');
  return { body: { ...body, properties: { ...properties, osProfile: { ...osProfile, customData: customDataShownBelow } } }, customData };
}

/** Renders the preview of `plan` as markdown: title, summary, checks, warnings, estimate and numbered actions (a put with its request body). */
export function renderPreview(plan: Plan, options: PreviewOptions = {}): string {
  const lines: string[] = [`# ${escapeMarkdown(plan.title)}`, ''];
  for (const line of plan.summary) {
    lines.push(escapeMarkdown(line), '');
  }
  const toSend = actionsToSend(plan).length;
  const kept = plan.actions.length - toSend;
  if (isBlocked(plan)) {
    const failed = plan.checks.filter((check) => check.status === 'failed').map((check) => escapeMarkdown(check.title));
    const fixes = (plan.remedies ?? []).map((remedy) => `**${escapeMarkdown(remedy.label)}** (${escapeMarkdown(remedy.detail)})`);
    lines.push(
      `**Apply is not offered:** ${failed.length === 1 ? 'a check failed' : `${failed.length} checks failed`} (${failed.join('; ')}). ${fixes.length > 0 ? `The review offers ${fixes.join(' and ')} to fix it, or Back to change the answers.` : 'Go Back to change the answers, or fix what it names and run the wizard again.'}`,
      '',
    );
  } else if (toSend === 0) {
    lines.push('**Nothing to send:** everything is already in place as planned.', '');
  } else {
    lines.push(`Apply sends ${toSend} ${toSend === 1 ? 'request' : 'requests'}${kept > 0 ? `; ${kept} already in place ${kept === 1 ? 'is' : 'are'} kept` : ''}. Nothing is sent before Apply.`, '');
  }

  if (plan.checks.length > 0) {
    lines.push('## Checks', '');
    for (const check of plan.checks) {
      const mark = checkMarks[check.status];
      const fixedBy = check.status === 'fixed' && check.fixedBy && check.fixedBy.length > 0 ? ` (done by ${check.fixedBy.map((id) => actionNumber(plan, id)).join(', ')} on Apply)` : '';
      lines.push(`- ${mark} **${escapeMarkdown(check.title)}**: ${escapeMarkdown(check.detail)}${fixedBy}`);
    }
    lines.push('');
  }

  if (plan.warnings.length > 0) {
    lines.push('## Warnings', '');
    for (const warning of plan.warnings) {
      lines.push(`- ⚠ ${escapeMarkdown(warning)}`);
    }
    lines.push('');
  }

  if (plan.estimate) {
    lines.push(`## Estimate: ${escapeMarkdown(plan.estimate.title)}`, '');
    for (const line of plan.estimate.lines) {
      lines.push(`- ${escapeMarkdown(line)}`);
    }
    if (plan.estimate.inputs.length > 0) {
      lines.push('', 'Estimate inputs:', '');
      for (const input of plan.estimate.inputs) {
        lines.push(`- ${escapeMarkdown(input)}`);
      }
    }
    lines.push('');
  }

  lines.push('## Actions', '');
  if (plan.actions.length === 0) {
    lines.push('No actions.', '');
  }
  plan.actions.forEach((action, index) => {
    const state = action.existing === 'same' ? ' — already in place, kept' : '';
    lines.push(`${index + 1}. **${escapeMarkdown(verbOf(action))}** ${escapeMarkdown(nameOf(action.resourceId))} (${code(action.resourceType)})${state}`);
    lines.push(`   - ${escapeMarkdown(action.title)}`);
    const subscription = subscriptionOf(action.resourceId);
    if (subscription !== '') {
      const name = options.subscriptionNames?.get(subscription.toLowerCase());
      lines.push(`   - Subscription ${name === undefined ? code(subscription) : `${escapeMarkdown(name)} (${code(subscription)})`}`);
    }
    lines.push(`   - ${code(action.resourceId)}`);
    if (action.query && Object.keys(action.query).length > 0) {
      lines.push(`   - With ${Object.entries(action.query).map(([name, value]) => code(`${name}=${value}`)).join(', ')}`);
    }
    if (action.dependsOn.length > 0) {
      lines.push(`   - Depends on ${action.dependsOn.map((id) => actionNumber(plan, id)).join(', ')}`);
    }
    for (const reference of action.bodyFrom ?? []) {
      lines.push(`   - Takes ${escapeMarkdown(reference.describe)} (${code(reference.property)}) from ${actionNumber(plan, reference.fromAction)} into ${code(reference.path)}`);
    }
    if (action.impact) {
      lines.push(`   - Impact: ${escapeMarkdown(action.impact)}`);
    }
    if (action.confirm) {
      lines.push(`   - Asks before running: ${escapeMarkdown(action.confirm)}`);
    }
    if (action.kind === 'put' && (action.body !== undefined || action.bodyFrom !== undefined)) {
      const { body, customData } = withCustomDataShown(bodyWithPlaceholders(plan, action));
      lines.push('', '   Request body:', '', ...codeBlock(JSON.stringify(body, null, 2), 'json', '   '), '');
      if (customData !== undefined) {
        lines.push('   cloud-init (`osProfile.customData`, sent base64-encoded):', '', ...codeBlock(customData, 'yaml', '   '), '');
      }
    }
  });
  lines.push('');
  return lines.join('\n');
}

/** The preview's file name (its tab's title): the plan's title as a slug, cut at a word boundary. */
export function previewFileName(title: string): string {
  const slug = title.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  const maxLength = 60;
  if (slug.length <= maxLength) {
    return `${slug || 'plan'}.md`;
  }
  const cut = slug.lastIndexOf('-', maxLength);
  return `${slug.slice(0, cut > maxLength / 2 ? cut : maxLength)}….md`;
}

/** "action 2" for an action id, or the id itself when the plan has no such action. */
function actionNumber(plan: Plan, actionId: string): string {
  const index = plan.actions.findIndex((action) => action.id === actionId);
  return index < 0 ? escapeMarkdown(actionId) : `action ${index + 1}`;
}
